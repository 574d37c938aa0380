package stacks

// Type is the kind of value a config key holds.
type Type string

// Value types of config keys.
const (
	TypeString     Type = "string"
	TypeInt        Type = "int"
	TypeBool       Type = "bool"
	TypeDuration   Type = "duration"
	TypeFloat      Type = "float"
	TypeStringList Type = "string list"
	TypeSecret     Type = "secret"
)

// Key describes one Pulumi config key kirikae reads. Keys() is the single
// table that loading, defaults, validation, overrides and docs/config.md use.
type Key struct {
	Name     string   // full name, e.g. "kirikae:imageTag"
	Type     Type     // value type
	Default  string   // default as text; "" means empty/unset
	Required bool     // must be present in the stack file
	Allowed  []string // the only values accepted; nil when any value of Type passes
	Rule     string   // other constraint in words (range, grammar); "" if none
	Meaning  string   // one line
	// Release marks values that deploys and rollbacks move (image tags,
	// colours, weights) rather than values people edit by hand.
	Release bool
	// Same marks keys whose values, not only presence, must match across
	// stacks: the checks a release must pass are the same in staging and
	// product, or staging proves nothing about product.
	Same bool

	// field points at the Config field holding the value; nil for keys that
	// only the Pulumi AWS provider reads (aws:profile ...).
	field func(*Config) any
	// check returns "" or what is wrong with a typed value.
	check checkFunc
}

// Keys returns the key table in documentation order. The slice is a copy.
func Keys() []Key {
	return append([]Key(nil), keyTable...)
}

// SecretKeys lists the keys whose values are secrets, in table order.
func SecretKeys() []string {
	var out []string
	for _, k := range keyTable {
		if k.Type == TypeSecret {
			out = append(out, k.Name)
		}
	}
	return out
}

// SecretOf returns the value of secret key name in c (the zero Secret for a
// key that is not a secret key).
func (c Config) SecretOf(name string) Secret {
	k, ok := keyIndex[name]
	if !ok || k.Type != TypeSecret || k.field == nil {
		return Secret{}
	}
	if s, ok := k.field(&c).(*Secret); ok {
		return *s
	}
	return Secret{}
}

// Lookup returns the key with exactly this name.
func Lookup(name string) (Key, bool) {
	k, ok := keyIndex[name]
	return k, ok
}

var keyIndex = func() map[string]Key {
	m := make(map[string]Key, len(keyTable))
	for _, k := range keyTable {
		m[k.Name] = k
	}
	return m
}()

// Full key names, so callers (CLI flags, deploy) never spell them by hand.
const (
	KeyRegion                  = "aws:region"
	KeyBackend                 = "kirikae:backend"
	KeyServiceName             = "kirikae:serviceName"
	KeyVPCID                   = "kirikae:vpcId"
	KeyPublicSubnetIDs         = "kirikae:publicSubnetIds"
	KeyPrivateSubnetIDs        = "kirikae:privateSubnetIds"
	KeyImageRepository         = "kirikae:imageRepository"
	KeyImageTag                = "kirikae:imageTag"
	KeyImageRepositoryOwner    = "kirikae:imageRepositoryOwner"
	KeyImageRegistryID         = "kirikae:imageRegistryId"
	KeyImagePullAccounts       = "kirikae:imagePullAccounts"
	KeyIdleImageTag            = "kirikae:idleImageTag"
	KeyImageDigest             = "kirikae:imageDigest"
	KeyIdleImageDigest         = "kirikae:idleImageDigest"
	KeyCPU                     = "kirikae:cpu"
	KeyCPUArchitecture         = "kirikae:cpuArchitecture"
	KeyMemory                  = "kirikae:memory"
	KeyDesiredCount            = "kirikae:desiredCount"
	KeyContainerPort           = "kirikae:containerPort"
	KeyHealthCheckPath         = "kirikae:healthCheckPath"
	KeyDrainSeconds            = "kirikae:drainSeconds"
	KeyTestListenerPort        = "kirikae:testListenerPort"
	KeyTestListenerCIDRs       = "kirikae:testListenerCidrs"
	KeyActiveColor             = "kirikae:activeColor"
	KeyIdleWeight              = "kirikae:idleWeight"
	KeyLogRetentionDays        = "kirikae:logRetentionDays"
	KeyLambdaArtifact          = "kirikae:lambdaArtifact"
	KeyLambdaArtifactRevision  = "kirikae:lambdaArtifactRevision"
	KeyLambdaArtifactBucket    = "kirikae:lambdaArtifactBucket"
	KeyLambdaMemory            = "kirikae:lambdaMemory"
	KeyLambdaTimeout           = "kirikae:lambdaTimeout"
	KeyLambdaRuntime           = "kirikae:lambdaRuntime"
	KeyLambdaHandler           = "kirikae:lambdaHandler"
	KeyLambdaAliasVersion      = "kirikae:lambdaAliasVersion"
	KeyLambdaCanaryWeight      = "kirikae:lambdaCanaryWeight"
	KeyFrontendEnabled         = "kirikae:frontendEnabled"
	KeyFrontendRelease         = "kirikae:frontendRelease"
	KeyFrontendBucket          = "kirikae:frontendBucket"
	KeyFrontendReadAccounts    = "kirikae:frontendReadAccounts"
	KeySandboxAccount          = "kirikae:sandboxAccount"
	KeyCertificateARN          = "kirikae:certificateArn"
	KeyAPIDomain               = "kirikae:apiDomain"
	KeyFrontendCertificateARN  = "kirikae:frontendCertificateArn"
	KeyFrontendDomain          = "kirikae:frontendDomain"
	KeyFrontendDir             = "kirikae:frontendDir"
	KeyFrontendSpa             = "kirikae:frontendSpa"
	KeyKeepReleases            = "kirikae:keepReleases"
	KeyStrategy                = "kirikae:strategy"
	KeyCanaryPercent           = "kirikae:canaryPercent"
	KeyBakeTime                = "kirikae:bakeTime"
	KeyWatchTime               = "kirikae:watchTime"
	KeyVerifyPath              = "kirikae:verifyPath"
	KeyVerifyStatus            = "kirikae:verifyStatus"
	KeyVerifyTimeout           = "kirikae:verifyTimeout"
	KeyVerifyAttempts          = "kirikae:verifyAttempts"
	KeyAlarm5xxThreshold       = "kirikae:alarm5xxThreshold"
	KeyAlarmUnhealthyThreshold = "kirikae:alarmUnhealthyThreshold"
	KeyAlarmLambdaErrors       = "kirikae:alarmLambdaErrors"
	KeyAlarmLambdaThrottles    = "kirikae:alarmLambdaThrottles"
	KeyAlarmCloudFront5xxRate  = "kirikae:alarmCloudFront5xxRate"
	KeySlackWebhookURL         = "kirikae:slackWebhookUrl"
	KeyWebhookURL              = "kirikae:webhookUrl"
	KeyWebhookSecret           = "kirikae:webhookSecret"
	KeyAlertEmails             = "kirikae:alertEmails"
	KeyDBSchemaVersion         = "kirikae:dbSchemaVersion"
	KeySmokeChecks             = "kirikae:smokeChecks"
	KeySmokeCommand            = "kirikae:smokeCommand"
	KeySmokeTimeout            = "kirikae:smokeTimeout"
	KeyMigrateCommand          = "kirikae:migrateCommand"
	KeyMigrateTimeout          = "kirikae:migrateTimeout"
)
