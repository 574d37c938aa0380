// Package stacks holds kirikae's typed stack configuration: the values read
// from Pulumi.<stack>.yaml, their defaults, their validation, and the parity
// rule that staging and product carry the same keys.
//
// It is pure: no Pulumi engine, no AWS, no printing.
package stacks

import "time"

// Namespace is the Pulumi config namespace of every kirikae key
// (the project name in Pulumi.yaml).
const Namespace = "kirikae"

// Backend kinds for the API service.
const (
	BackendECS    = "ecs"
	BackendLambda = "lambda"
)

// Deployment strategies.
const (
	StrategyBlueGreen = "bluegreen"
	StrategyCanary    = "canary"
)

// Colours of the ECS blue/green pair.
const (
	ColorBlue  = "blue"
	ColorGreen = "green"
)

// Config is one stack's typed configuration. Field comments name the
// Pulumi config key; Keys() in keys.go is the single table of keys, types and
// defaults that Load and Validate use.
type Config struct {
	// Stack is the stack name (staging, product); not a config key.
	Stack string
	// File is the Pulumi.<stack>.yaml path the config came from; not a key.
	File string

	Region string // aws:region

	Backend     string // kirikae:backend — "ecs" or "lambda"
	ServiceName string // kirikae:serviceName — prefix of every resource name

	// Network. Empty VPCID means kirikae creates a VPC with two public and
	// two private subnets across two AZs.
	VPCID            string   // kirikae:vpcId
	PublicSubnetIDs  []string // kirikae:publicSubnetIds
	PrivateSubnetIDs []string // kirikae:privateSubnetIds

	// ECS (Fargate) service.
	ImageRepository string // kirikae:imageRepository — ECR repository name
	ImageTag        string // kirikae:imageTag — release value
	// One repository serves every stack, so promote deploys the digest
	// staging verified: the owner creates it; the others pull from it,
	// by registry account when that is another account.
	ImageRepositoryOwner bool     // kirikae:imageRepositoryOwner
	ImageRegistryID      string   // kirikae:imageRegistryId — "" = own account
	ImagePullAccounts    []string // kirikae:imagePullAccounts — repository policy
	CPU                  int      // kirikae:cpu — Fargate CPU units
	// CPUArchitecture is the one CPU platform of the stack's API: what the
	// task definitions and the function declare, and what the pipeline
	// builds images and zips for.
	CPUArchitecture string // kirikae:cpuArchitecture — "arm64" or "x86_64"
	Memory          int    // kirikae:memory — Fargate memory MiB
	DesiredCount    int    // kirikae:desiredCount
	ContainerPort   int    // kirikae:containerPort
	// CertificateARN turns on the ALB's HTTPS listener (HTTP then only
	// redirects); APIDomain is the name the certificate covers.
	CertificateARN  string // kirikae:certificateArn
	APIDomain       string // kirikae:apiDomain
	HealthCheckPath string // kirikae:healthCheckPath
	// DrainSeconds is both target groups' deregistration delay: how long
	// a task leaving its target group may finish requests in flight.
	DrainSeconds int // kirikae:drainSeconds
	// TestListenerPort opens a second ALB listener that forwards to the
	// idle colour only, so a staged release is verified before traffic
	// moves (0: none); TestListenerCIDRs may reach it.
	TestListenerPort  int      // kirikae:testListenerPort
	TestListenerCIDRs []string // kirikae:testListenerCidrs
	// ActiveColor is the colour that receives live traffic; the other colour
	// keeps the previous release warm so a rollback is a weight flip.
	ActiveColor  string // kirikae:activeColor — "blue" or "green"
	IdleImageTag string // kirikae:idleImageTag — image of the idle colour ("" = imageTag)
	// ImageDigest and IdleImageDigest are what the tags resolved to in ECR
	// when the release was staged: tasks pull by digest, so a tag pushed
	// again (mutable repository) cannot change what runs.
	ImageDigest     string // kirikae:imageDigest — release value
	IdleImageDigest string // kirikae:idleImageDigest — release value
	LogRetention    int    // kirikae:logRetentionDays
	// IdleWeight is the percent of traffic sent to the idle colour while a
	// canary bakes; 0 outside a canary.
	IdleWeight int // kirikae:idleWeight — 0..100

	// Lambda API.
	LambdaArtifact string // kirikae:lambdaArtifact — local zip/dir path, or s3://bucket/key
	// LambdaArtifactRevision is the content an s3:// artifact held when the
	// deploy read it: its object version id, or its ETag in quotes.
	LambdaArtifactRevision string // kirikae:lambdaArtifactRevision
	// LambdaArtifactBucket is the one bucket s3:// artifacts are read
	// from: the deploy role may read its objects, and an s3:// artifact
	// anywhere else is refused.
	LambdaArtifactBucket string // kirikae:lambdaArtifactBucket
	LambdaMemory         int    // kirikae:lambdaMemory — MiB
	LambdaTimeout        int    // kirikae:lambdaTimeout — seconds
	LambdaRuntime        string // kirikae:lambdaRuntime
	LambdaHandler        string // kirikae:lambdaHandler
	// LambdaAliasVersion pins alias `live` to a published version (rollback,
	// canary); "" means the version this update publishes.
	LambdaAliasVersion string // kirikae:lambdaAliasVersion
	// LambdaCanaryWeight is the percent routed to the newly published version
	// while the alias stays on LambdaAliasVersion; 0 outside a canary.
	LambdaCanaryWeight int // kirikae:lambdaCanaryWeight — 0..99

	// Frontend (private S3 + CloudFront).
	FrontendEnabled bool   // kirikae:frontendEnabled
	FrontendRelease string // kirikae:frontendRelease — release value: /releases/<id>
	FrontendBucket  string // kirikae:frontendBucket — "" = derived from serviceName+stack
	// FrontendReadAccounts may read this stack's releases from another
	// account: a cross-account promote copies them with its own
	// credentials, which the bucket policy must allow.
	FrontendReadAccounts []string // kirikae:frontendReadAccounts
	// SandboxAccount names the simulated AWS account the stack deploys into
	// with --sandbox; stacks naming the same account share it.
	SandboxAccount string // kirikae:sandboxAccount
	// FrontendCertificateARN and FrontendDomain give CloudFront a custom
	// certificate, without which AWS serves TLSv1 whatever is asked.
	FrontendCertificateARN string // kirikae:frontendCertificateArn
	FrontendDomain         string // kirikae:frontendDomain
	FrontendDir            string // kirikae:frontendDir — local build output uploaded per release
	FrontendSpa            bool   // kirikae:frontendSpa — extensionless paths serve index.html
	KeepReleases           int    // kirikae:keepReleases

	// Deployment strategy.
	Strategy      string        // kirikae:strategy — "bluegreen" or "canary"
	CanaryPercent int           // kirikae:canaryPercent — 1..99
	BakeTime      time.Duration // kirikae:bakeTime — Go duration, e.g. "5m"
	WatchTime     time.Duration // kirikae:watchTime — alarms watched after every switch; 0 disables

	// Verification after a switch.
	VerifyPath     string        // kirikae:verifyPath — "" = healthCheckPath
	VerifyStatus   int           // kirikae:verifyStatus
	VerifyTimeout  time.Duration // kirikae:verifyTimeout
	VerifyAttempts int           // kirikae:verifyAttempts

	// Alarms.
	Alarm5xxThreshold       int     // kirikae:alarm5xxThreshold — ALB 5xx count per minute
	AlarmUnhealthyThreshold int     // kirikae:alarmUnhealthyThreshold — unhealthy targets
	AlarmLambdaErrors       int     // kirikae:alarmLambdaErrors — errors per minute
	AlarmLambdaThrottles    int     // kirikae:alarmLambdaThrottles — throttles per minute
	AlarmCloudFront5xxRate  float64 // kirikae:alarmCloudFront5xxRate — percent

	// Notifications.
	SlackWebhook Secret // kirikae:slackWebhookUrl — secret (secure: value)
	WebhookURL   Secret // kirikae:webhookUrl — secret (secure: value)
	// WebhookSecret signs webhook deliveries (HMAC-SHA256) when set.
	WebhookSecret Secret   // kirikae:webhookSecret — secret (secure: value)
	AlertEmails   []string // kirikae:alertEmails — SNS email subscriptions

	// Checks of the team's own, before the flip and after it
	// (docs/checks-and-migrations.md). Staging and product must agree on
	// them: they are config, and parity compares their values.
	SmokeChecks    []SmokeCheck  // kirikae:smokeChecks — METHOD PATH STATUS [TEXT]
	SmokeCommand   string        // kirikae:smokeCommand — run from the project directory
	SmokeTimeout   time.Duration // kirikae:smokeTimeout
	MigrateCommand string        // kirikae:migrateCommand — arguments for the new image
	MigrateTimeout time.Duration // kirikae:migrateTimeout

	// DBSchemaVersion is the schema the release expects; rollback refuses to
	// cross a schema change without --allow-schema-rollback.
	DBSchemaVersion string // kirikae:dbSchemaVersion
}

// Secret is a config value stored either as `secure:` ciphertext in the
// stack file, or as a reference to an SSM Parameter Store parameter
// (`ssm:/name`, in plain text: the name is not the credential). kirikae
// never decrypts ciphertext outside the Pulumi engine; a reference is read
// at send time with the deploy role's credentials, so a stack that keeps
// only references holds nothing a passphrase must protect (docs/security.md "State
// and secrets").
type Secret struct {
	// Set reports whether the key is present.
	Set bool
	// Ciphertext is the `secure:` payload; empty for a reference.
	Ciphertext string
	// Ref is the SSM parameter name (or ARN) of a reference; empty for
	// ciphertext.
	Ref string
}

// SSMRefPrefix marks a secret key's value as an SSM parameter reference.
const SSMRefPrefix = "ssm:"

// IdleColor returns the colour that does not receive traffic.
func (c Config) IdleColor() string {
	if c.ActiveColor == ColorGreen {
		return ColorBlue
	}
	return ColorGreen
}
