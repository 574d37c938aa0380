package stacks

import "strconv"

// logRetentionDays are the retention periods CloudWatch Logs accepts.
var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365,
	400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func itoas(ns []int) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = strconv.Itoa(n)
	}
	return out
}

// keyTable is the single list of keys; see Key. Order is documentation order.
var keyTable = []Key{
	// AWS provider.
	{Name: KeyRegion, Type: TypeString, Required: true, Rule: "an AWS region name, e.g. us-east-1",
		Meaning: "AWS region every resource is created in",
		field:   func(c *Config) any { return &c.Region }, check: region},
	{Name: "aws:profile", Type: TypeString,
		Meaning: "AWS CLI profile the provider uses (read by the provider only)"},
	{Name: "aws:sharedCredentialsFiles", Type: TypeStringList,
		Meaning: "credentials files the provider reads (read by the provider only)"},
	{Name: "aws:skipCredentialsValidation", Type: TypeBool,
		Meaning: "provider skips the STS credentials check (read by the provider only)"},
	{Name: "aws:skipMetadataApiCheck", Type: TypeBool,
		Meaning: "provider skips the EC2 metadata check (read by the provider only)"},
	{Name: "aws:skipRegionValidation", Type: TypeBool,
		Meaning: "provider accepts region names it does not know (read by the provider only)"},
	{Name: "aws:skipRequestingAccountId", Type: TypeBool,
		Meaning: "provider does not look up the account id (read by the provider only)"},

	// Service.
	{Name: KeyBackend, Type: TypeString, Required: true, Allowed: []string{BackendECS, BackendLambda},
		Meaning: "what runs the API: ECS Fargate service or Lambda function",
		field:   func(c *Config) any { return &c.Backend }, check: oneOf(BackendECS, BackendLambda)},
	{Name: KeyServiceName, Type: TypeString, Required: true, Rule: "`[a-z][a-z0-9-]{0,15}`",
		Meaning: "prefix of every resource name",
		field:   func(c *Config) any { return &c.ServiceName }, check: pattern(reServiceName, "service name (lowercase letter, then up to 15 lowercase letters, digits or -)", false)},

	// Network.
	{Name: KeyVPCID, Type: TypeString, Rule: "`vpc-<hex>`",
		Meaning: "existing VPC to use; empty creates a VPC with public and private subnets in two AZs",
		field:   func(c *Config) any { return &c.VPCID }, check: pattern(reVPCID, "VPC id (vpc-<hex>)", true)},
	{Name: KeyPublicSubnetIDs, Type: TypeStringList, Rule: "`subnet-<hex>`; at least 2 when vpcId is set, none otherwise",
		Meaning: "public subnets of vpcId (load balancer)",
		field:   func(c *Config) any { return &c.PublicSubnetIDs }, check: eachItem(reSubnetID, "subnet id (subnet-<hex>)")},
	{Name: KeyPrivateSubnetIDs, Type: TypeStringList, Rule: "`subnet-<hex>`; at least 2 when vpcId is set, none otherwise",
		Meaning: "private subnets of vpcId (tasks, functions)",
		field:   func(c *Config) any { return &c.PrivateSubnetIDs }, check: eachItem(reSubnetID, "subnet id (subnet-<hex>)")},

	// ECS.
	{Name: KeyImageRepository, Type: TypeString, Default: "kirikae-api", Rule: "ECR repository name",
		Meaning: "ECR repository holding the API image",
		field:   func(c *Config) any { return &c.ImageRepository }, check: pattern(reRepository, "ECR repository name (lowercase, digits, . _ - /)", false)},
	{Name: KeyImageTag, Type: TypeString, Default: "v1", Release: true, Rule: "Docker tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`",
		Meaning: "image tag the active colour runs",
		field:   func(c *Config) any { return &c.ImageTag }, check: pattern(reImageTag, "Docker image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})", false)},
	{Name: KeyIdleImageTag, Type: TypeString, Release: true, Rule: "empty or a Docker tag",
		Meaning: "image tag the idle colour runs; empty means imageTag",
		field:   func(c *Config) any { return &c.IdleImageTag }, check: pattern(reImageTag, "Docker image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})", true)},
	{Name: KeyCPU, Type: TypeInt, Default: "256", Allowed: itoas(fargateCPUs),
		Meaning: "Fargate task CPU units",
		field:   func(c *Config) any { return &c.CPU }, check: intOneOf(fargateCPUs...)},
	{Name: KeyMemory, Type: TypeInt, Default: "512", Rule: "a Fargate memory size valid for cpu",
		Meaning: "Fargate task memory in MiB",
		field:   func(c *Config) any { return &c.Memory }},
	{Name: KeyDesiredCount, Type: TypeInt, Default: "1", Rule: ">= 1",
		Meaning: "tasks per colour",
		field:   func(c *Config) any { return &c.DesiredCount }, check: intRange(1, 0)},
	{Name: KeyContainerPort, Type: TypeInt, Default: "8080", Rule: "1..65535",
		Meaning: "port the container listens on",
		field:   func(c *Config) any { return &c.ContainerPort }, check: intRange(1, 65535)},
	{Name: KeyCertificateARN, Type: TypeString, Rule: "empty or an ACM certificate ARN in aws:region; needs apiDomain",
		Meaning: "ALB HTTPS listener certificate (TLS 1.2+); when set, HTTP only redirects to HTTPS",
		field:   func(c *Config) any { return &c.CertificateARN }, check: pattern(reCertificateARN, "ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)", true)},
	{Name: KeyAPIDomain, Type: TypeString, Rule: "empty or a DNS name; needs certificateArn",
		Meaning: "DNS name the certificate covers, pointed at the ALB; url uses it",
		field:   func(c *Config) any { return &c.APIDomain }, check: pattern(reDomain, "DNS name (api.example.com)", true)},
	{Name: KeyHealthCheckPath, Type: TypeString, Default: "/healthz", Rule: "starts with `/`",
		Meaning: "target group health check path",
		field:   func(c *Config) any { return &c.HealthCheckPath }, check: urlPath(false)},
	{Name: KeyActiveColor, Type: TypeString, Default: ColorBlue, Release: true, Allowed: []string{ColorBlue, ColorGreen},
		Meaning: "colour that receives live traffic",
		field:   func(c *Config) any { return &c.ActiveColor }, check: oneOf(ColorBlue, ColorGreen)},
	{Name: KeyIdleWeight, Type: TypeInt, Default: "0", Release: true, Rule: "0..100",
		Meaning: "percent of traffic sent to the idle colour during a canary",
		field:   func(c *Config) any { return &c.IdleWeight }, check: intRange(0, 100)},
	{Name: KeyLogRetentionDays, Type: TypeInt, Default: "14", Allowed: itoas(logRetentionDays),
		Meaning: "CloudWatch log retention in days",
		field:   func(c *Config) any { return &c.LogRetention }, check: intOneOf(logRetentionDays...)},

	// Lambda.
	{Name: KeyLambdaArtifact, Type: TypeString, Default: "app/lambda", Release: true, Rule: "path inside the project (as frontendDir), or `s3://bucket/key`",
		Meaning: "zip file or directory holding the function code (dotfiles are never zipped)",
		field:   func(c *Config) any { return &c.LambdaArtifact }, check: lambdaArtifact},
	{Name: KeyLambdaMemory, Type: TypeInt, Default: "256", Rule: "128..10240",
		Meaning: "function memory in MiB",
		field:   func(c *Config) any { return &c.LambdaMemory }, check: intRange(128, 10240)},
	{Name: KeyLambdaTimeout, Type: TypeInt, Default: "10", Rule: "1..900",
		Meaning: "function timeout in seconds",
		field:   func(c *Config) any { return &c.LambdaTimeout }, check: intRange(1, 900)},
	{Name: KeyLambdaRuntime, Type: TypeString, Default: "provided.al2023", Allowed: []string{"provided.al2023", "provided.al2"},
		Meaning: "Lambda runtime (Go binaries run on the OS-only runtimes)",
		field:   func(c *Config) any { return &c.LambdaRuntime }, check: oneOf("provided.al2023", "provided.al2")},
	{Name: KeyLambdaHandler, Type: TypeString, Default: "bootstrap",
		Meaning: "function handler (the executable name for provided runtimes)",
		field:   func(c *Config) any { return &c.LambdaHandler }, check: pattern(reSchema, "handler name", false)},
	{Name: KeyLambdaAliasVersion, Type: TypeString, Release: true, Rule: "empty or a version number",
		Meaning: "version alias live points at; empty means the version this update publishes",
		field:   func(c *Config) any { return &c.LambdaAliasVersion }, check: pattern(reVersion, "Lambda version number", true)},
	{Name: KeyLambdaCanaryWeight, Type: TypeInt, Default: "0", Release: true, Rule: "0..99; needs lambdaAliasVersion when > 0",
		Meaning: "percent routed to the new version while alias live stays on lambdaAliasVersion",
		field:   func(c *Config) any { return &c.LambdaCanaryWeight }, check: intRange(0, 99)},

	// Frontend.
	{Name: KeyFrontendEnabled, Type: TypeBool, Default: "false",
		Meaning: "create the private S3 bucket and CloudFront distribution",
		field:   func(c *Config) any { return &c.FrontendEnabled }},
	{Name: KeyFrontendRelease, Type: TypeString, Default: "r1", Release: true, Rule: "`[A-Za-z0-9][A-Za-z0-9._-]{0,63}`",
		Meaning: "release id CloudFront serves, from `/releases/<id>`",
		field:   func(c *Config) any { return &c.FrontendRelease }, check: pattern(reReleaseID, "release id ([A-Za-z0-9][A-Za-z0-9._-]{0,63})", false)},
	{Name: KeyFrontendBucket, Type: TypeString, Rule: "empty or an S3 bucket name",
		Meaning: "frontend bucket name; empty derives it from serviceName and stack",
		field:   func(c *Config) any { return &c.FrontendBucket }, check: pattern(reBucket, "S3 bucket name (3-63 lowercase letters, digits, . -)", true)},
	{Name: KeyFrontendCertificateARN, Type: TypeString, Rule: "empty or an ACM certificate ARN in us-east-1; needs frontendDomain",
		Meaning: "CloudFront certificate; only with one does CloudFront enforce TLSv1.2_2021 (the default certificate allows TLSv1)",
		field:   func(c *Config) any { return &c.FrontendCertificateARN }, check: pattern(reCertificateARN, "ACM certificate ARN (arn:aws:acm:us-east-1:<account>:certificate/<id>)", true)},
	{Name: KeyFrontendDomain, Type: TypeString, Rule: "empty or a DNS name; needs frontendCertificateArn",
		Meaning: "alternate domain name CloudFront serves; frontendUrl uses it",
		field:   func(c *Config) any { return &c.FrontendDomain }, check: pattern(reDomain, "DNS name (www.example.com)", true)},
	{Name: KeyFrontendDir, Type: TypeString, Default: "web/dist", Rule: "path inside the project: relative, not `.`, no `..`, no hidden (`.git`, `.kirikae`) part, no symlink out",
		Meaning: "local build output uploaded as each release (dotfiles are never uploaded)",
		field:   func(c *Config) any { return &c.FrontendDir }, check: projectPath},
	{Name: KeyKeepReleases, Type: TypeInt, Default: "5", Rule: ">= 2",
		Meaning: "frontend releases kept in the bucket (2 so a rollback has a target)",
		field:   func(c *Config) any { return &c.KeepReleases }, check: intRange(2, 0)},

	// Strategy.
	{Name: KeyStrategy, Type: TypeString, Default: StrategyBlueGreen, Allowed: []string{StrategyBlueGreen, StrategyCanary},
		Meaning: "how a release is switched: all at once or canary first",
		field:   func(c *Config) any { return &c.Strategy }, check: oneOf(StrategyBlueGreen, StrategyCanary)},
	{Name: KeyCanaryPercent, Type: TypeInt, Default: "10", Rule: "1..99",
		Meaning: "percent of traffic the new release gets during a canary",
		field:   func(c *Config) any { return &c.CanaryPercent }, check: intRange(1, 99)},
	{Name: KeyBakeTime, Type: TypeDuration, Default: "5m", Rule: ">= 0",
		Meaning: "how long a canary runs before full switch",
		field:   func(c *Config) any { return &c.BakeTime }, check: minDuration(0, false)},

	// Verification.
	{Name: KeyVerifyPath, Type: TypeString, Rule: "empty or starts with `/`",
		Meaning: "path probed after a switch; empty means healthCheckPath",
		field:   func(c *Config) any { return &c.VerifyPath }, check: urlPath(true)},
	{Name: KeyVerifyStatus, Type: TypeInt, Default: "200", Rule: "100..599",
		Meaning: "HTTP status the probe expects",
		field:   func(c *Config) any { return &c.VerifyStatus }, check: intRange(100, 599)},
	{Name: KeyVerifyTimeout, Type: TypeDuration, Default: "60s", Rule: "> 0",
		Meaning: "total time the probe may take",
		field:   func(c *Config) any { return &c.VerifyTimeout }, check: minDuration(0, true)},
	{Name: KeyVerifyAttempts, Type: TypeInt, Default: "5", Rule: ">= 1",
		Meaning: "probe attempts before the release counts as failed",
		field:   func(c *Config) any { return &c.VerifyAttempts }, check: intRange(1, 0)},

	// Alarms.
	{Name: KeyAlarm5xxThreshold, Type: TypeInt, Default: "10", Rule: ">= 1",
		Meaning: "ALB 5xx responses per minute that raise the alarm",
		field:   func(c *Config) any { return &c.Alarm5xxThreshold }, check: intRange(1, 0)},
	{Name: KeyAlarmUnhealthyThreshold, Type: TypeInt, Default: "1", Rule: ">= 1",
		Meaning: "unhealthy targets that raise the alarm",
		field:   func(c *Config) any { return &c.AlarmUnhealthyThreshold }, check: intRange(1, 0)},
	{Name: KeyAlarmLambdaErrors, Type: TypeInt, Default: "5", Rule: ">= 1",
		Meaning: "Lambda errors per minute that raise the alarm",
		field:   func(c *Config) any { return &c.AlarmLambdaErrors }, check: intRange(1, 0)},
	{Name: KeyAlarmLambdaThrottles, Type: TypeInt, Default: "1", Rule: ">= 1",
		Meaning: "Lambda throttles per minute that raise the alarm",
		field:   func(c *Config) any { return &c.AlarmLambdaThrottles }, check: intRange(1, 0)},
	{Name: KeyAlarmCloudFront5xxRate, Type: TypeFloat, Default: "5", Rule: "> 0 and <= 100",
		Meaning: "CloudFront 5xx error rate (percent) that raises the alarm",
		field:   func(c *Config) any { return &c.AlarmCloudFront5xxRate }, check: floatRange(0, 100)},

	// Notifications.
	{Name: KeySlackWebhookURL, Type: TypeSecret, Rule: "set with `pulumi config set --secret`",
		Meaning: "Slack incoming webhook told about deploys, rollbacks and alarms",
		field:   func(c *Config) any { return &c.SlackWebhook }},
	// A webhook URL carries its credential (a path token, userinfo), so it
	// is a secret: encrypted in the stack file and in state, masked in
	// every preview and PR comment.
	{Name: KeyWebhookURL, Type: TypeSecret, Rule: "an https URL; set with `pulumi config set --secret`",
		Meaning: "generic JSON webhook told about deploys, rollbacks and alarms (also an SNS https subscription)",
		field:   func(c *Config) any { return &c.WebhookURL }},
	{Name: KeyWebhookSecret, Type: TypeSecret, Rule: "set with `pulumi config set --secret`",
		Meaning: "signs each webhook delivery: X-Kirikae-Signature: sha256=HMAC-SHA256(secret, timestamp.body)",
		field:   func(c *Config) any { return &c.WebhookSecret }},
	{Name: KeyAlertEmails, Type: TypeStringList, Rule: "email addresses",
		Meaning: "addresses subscribed to the alarm topic",
		field:   func(c *Config) any { return &c.AlertEmails }, check: emails},
	{Name: KeyDBSchemaVersion, Type: TypeString, Rule: "empty or `[A-Za-z0-9][A-Za-z0-9._-]{0,63}`",
		Meaning: "database schema the release expects; rollback will not cross a change",
		field:   func(c *Config) any { return &c.DBSchemaVersion }, check: pattern(reSchema, "schema version ([A-Za-z0-9][A-Za-z0-9._-]{0,63})", true)},
}
