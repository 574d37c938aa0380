package stacks

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStackYAMLHelperPlacesLines(t *testing.T) {
	assert.Equal(t, "config:\n  aws:region: eu-west-1\n  kirikae:backend: ecs\n  kirikae:serviceName: kirikae\n  kirikae:cpu: \"512\"\n",
		stackYAML(`kirikae:cpu: "512"`, "aws:region: eu-west-1"))
}

func TestParseRejectsBadValues(t *testing.T) {
	longTag := strings.Repeat("a", 129)
	tests := []struct {
		name  string
		lines []string
		want  []string
	}{
		{"unknown key, wrong case", []string{"kirikae:imagetag: v2"},
			[]string{`Pulumi.test.yaml:5: kirikae:imagetag: is not a known key; did you mean kirikae:imageTag?`}},
		{"unknown key, typo", []string{`kirikae:desiredCont: "2"`},
			[]string{`Pulumi.test.yaml:5: kirikae:desiredCont: is not a known key; did you mean kirikae:desiredCount?`}},
		{"unknown key, nothing close", []string{"kirikae:colour: red"},
			[]string{`Pulumi.test.yaml:5: kirikae:colour: is not a known key; see docs/config.md for the keys`}},
		{"key without namespace", []string{`desiredCount: "2"`},
			[]string{`Pulumi.test.yaml:5: desiredCount: is not namespaced; kirikae keys are kirikae:<name> or aws:<name>; did you mean kirikae:desiredCount?`}},
		{"unknown namespace", []string{"gcp:project: demo"},
			[]string{`Pulumi.test.yaml:5: gcp:project: has unknown namespace "gcp"; kirikae reads only kirikae: and aws: keys; see docs/config.md for the keys`}},
		{"misspelt namespace", []string{"kirkae:imageTag: v2"},
			[]string{`Pulumi.test.yaml:5: kirkae:imageTag: has unknown namespace "kirkae"; kirikae reads only kirikae: and aws: keys; did you mean kirikae:imageTag?`}},
		{"not an integer", []string{`kirikae:desiredCount: "two"`},
			[]string{`Pulumi.test.yaml:5: kirikae:desiredCount: "two" is not an integer`}},
		{"fraction for an integer", []string{"kirikae:cpu: 0.5"},
			[]string{`Pulumi.test.yaml:5: kirikae:cpu: "0.5" is not an integer`}},
		{"not a boolean", []string{"kirikae:frontendEnabled: yes"},
			[]string{`Pulumi.test.yaml:5: kirikae:frontendEnabled: "yes" is not a boolean (true or false)`}},
		{"provider boolean", []string{"aws:skipCredentialsValidation: maybe"},
			[]string{`Pulumi.test.yaml:5: aws:skipCredentialsValidation: "maybe" is not a boolean (true or false)`}},
		{"not a number", []string{"kirikae:alarmCloudFront5xxRate: high"},
			[]string{`Pulumi.test.yaml:5: kirikae:alarmCloudFront5xxRate: "high" is not a number`}},
		{"rate out of range", []string{`kirikae:alarmCloudFront5xxRate: "0"`},
			[]string{`Pulumi.test.yaml:5: kirikae:alarmCloudFront5xxRate: "0" must be greater than 0 and at most 100`}},
		{"image tag starts with dash", []string{`kirikae:imageTag: "-v1"`},
			[]string{`Pulumi.test.yaml:5: kirikae:imageTag: "-v1" is not a valid Docker image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`}},
		{"image tag with colon", []string{`kirikae:imageTag: "v1:2"`},
			[]string{`Pulumi.test.yaml:5: kirikae:imageTag: "v1:2" is not a valid Docker image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`}},
		{"image tag too long", []string{"kirikae:imageTag: " + longTag},
			[]string{`Pulumi.test.yaml:5: kirikae:imageTag: "` + longTag + `" is not a valid Docker image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`}},
		{"idle image tag", []string{`kirikae:idleImageTag: "a b"`},
			[]string{`Pulumi.test.yaml:5: kirikae:idleImageTag: "a b" is not a valid Docker image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`}},
		{"fargate memory too large for cpu", []string{`kirikae:cpu: "256"`, `kirikae:memory: "4096"`},
			[]string{`Pulumi.test.yaml:6: kirikae:memory: "4096" is not a valid Fargate memory for cpu 256; allowed: 512, 1024, 2048`}},
		{"fargate 1536 with 256", []string{`kirikae:memory: "1536"`},
			[]string{`Pulumi.test.yaml:5: kirikae:memory: "1536" is not a valid Fargate memory for cpu 256; allowed: 512, 1024, 2048`}},
		{"fargate memory off step", []string{`kirikae:cpu: "4096"`, `kirikae:memory: "8704"`},
			[]string{`Pulumi.test.yaml:6: kirikae:memory: "8704" is not a valid Fargate memory for cpu 4096; allowed: 8192 to 30720 in steps of 1024`}},
		{"fargate memory with default cpu", []string{`kirikae:memory: "8192"`},
			[]string{`Pulumi.test.yaml:5: kirikae:memory: "8192" is not a valid Fargate memory for cpu 256; allowed: 512, 1024, 2048`}},
		{"fargate cpu invalid: no second message", []string{`kirikae:cpu: "300"`, `kirikae:memory: "512"`},
			[]string{`Pulumi.test.yaml:5: kirikae:cpu: "300" is not allowed; use one of: 256, 512, 1024, 2048, 4096, 8192, 16384`}},
		{"desiredCount zero", []string{`kirikae:desiredCount: "0"`},
			[]string{`Pulumi.test.yaml:5: kirikae:desiredCount: "0" must be at least 1`}},
		{"drainSeconds past AWS's limit", []string{`kirikae:drainSeconds: "3601"`},
			[]string{`Pulumi.test.yaml:5: kirikae:drainSeconds: "3601" must be between 0 and 3600`}},
		{"drainSeconds negative", []string{`kirikae:drainSeconds: "-1"`},
			[]string{`Pulumi.test.yaml:5: kirikae:drainSeconds: "-1" must be between 0 and 3600`}},
		{"invalid region", []string{"aws:region: us-east-9"},
			[]string{`Pulumi.test.yaml:2: aws:region: "us-east-9" is not an AWS region (e.g. us-east-1, eu-west-1; see docs/config.md)`}},
		{"backend", []string{"kirikae:backend: k8s"},
			[]string{`Pulumi.test.yaml:3: kirikae:backend: "k8s" is not allowed; use one of: ecs, lambda`}},
		{"cpu architecture", []string{"kirikae:cpuArchitecture: amd64"},
			[]string{`Pulumi.test.yaml:5: kirikae:cpuArchitecture: "amd64" is not allowed; use one of: arm64, x86_64`}},
		{"strategy", []string{"kirikae:strategy: rolling"},
			[]string{`Pulumi.test.yaml:5: kirikae:strategy: "rolling" is not allowed; use one of: bluegreen, canary`}},
		{"active colour", []string{"kirikae:activeColor: red"},
			[]string{`Pulumi.test.yaml:5: kirikae:activeColor: "red" is not allowed; use one of: blue, green`}},
		{"canaryPercent zero", []string{`kirikae:canaryPercent: "0"`},
			[]string{`Pulumi.test.yaml:5: kirikae:canaryPercent: "0" must be between 1 and 99`}},
		{"canaryPercent 100", []string{`kirikae:canaryPercent: "100"`},
			[]string{`Pulumi.test.yaml:5: kirikae:canaryPercent: "100" must be between 1 and 99`}},
		{"bad duration", []string{"kirikae:bakeTime: 5 minutes"},
			[]string{`Pulumi.test.yaml:5: kirikae:bakeTime: "5 minutes" is not a duration (Go syntax: 90s, 5m, 1h30m)`}},
		{"negative duration", []string{"kirikae:bakeTime: -1m"},
			[]string{`Pulumi.test.yaml:5: kirikae:bakeTime: "-1m" must not be negative`}},
		{"zero timeout", []string{"kirikae:verifyTimeout: 0s"},
			[]string{`Pulumi.test.yaml:5: kirikae:verifyTimeout: "0s" must be longer than 0s`}},
		{"log retention", []string{`kirikae:logRetentionDays: "10"`},
			[]string{`Pulumi.test.yaml:5: kirikae:logRetentionDays: "10" is not allowed; use one of: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653`}},
		{"service name", []string{"kirikae:serviceName: Kirikae_API"},
			[]string{`Pulumi.test.yaml:4: kirikae:serviceName: "Kirikae_API" is not a valid service name (lowercase letter, then up to 15 lowercase letters, digits or -)`}},
		{"plaintext secret", []string{"kirikae:slackWebhookUrl: https://hooks.slack.com/services/T0/B0/XYZ"},
			[]string{`Pulumi.test.yaml:5: kirikae:slackWebhookUrl: is a secret but is stored in plain text; remove it and run: pulumi config set --secret kirikae:slackWebhookUrl <value>, or keep it in SSM and set kirikae:slackWebhookUrl to ssm:/parameter/name`}},
		{"empty secure value", []string{`kirikae:slackWebhookUrl: {secure: ""}`},
			[]string{`Pulumi.test.yaml:5: kirikae:slackWebhookUrl: has an empty secure: value; set it with: pulumi config set --secret kirikae:slackWebhookUrl <value>`}},
		{"secure non-secret", []string{"kirikae:imageTag: {secure: AAABAGl}"},
			[]string{`Pulumi.test.yaml:5: kirikae:imageTag: is encrypted (secure:) but is not a secret key; store it in plain text (secret keys: kirikae:slackWebhookUrl, kirikae:webhookUrl, kirikae:webhookSecret)`}},
		{"map for a string", []string{"kirikae:imageTag: {tag: v1}"},
			[]string{`Pulumi.test.yaml:5: kirikae:imageTag: is a map; expected a string`}},
		{"list for an integer", []string{"kirikae:desiredCount: [1, 2]"},
			[]string{`Pulumi.test.yaml:5: kirikae:desiredCount: is a list; expected an integer`}},
		// The repro: a webhook URL with its credential in plain text.
		// The value itself is never echoed.
		{"plaintext webhook", []string{"kirikae:webhookUrl: https://user:pa55w0rd@hooks.example.com/TOKEN"},
			[]string{`Pulumi.test.yaml:5: kirikae:webhookUrl: is a secret but is stored in plain text; remove it and run: pulumi config set --secret kirikae:webhookUrl <value>, or keep it in SSM and set kirikae:webhookUrl to ssm:/parameter/name`}},
		{"empty ssm reference", []string{"kirikae:webhookUrl: 'ssm:'"},
			[]string{`Pulumi.test.yaml:5: kirikae:webhookUrl: names no parameter; write ssm:/parameter/name`}},
		{"ssm reference not a parameter ARN", []string{"kirikae:slackWebhookUrl: ssm:arn:aws:s3:::bucket"},
			[]string{`Pulumi.test.yaml:5: kirikae:slackWebhookUrl: is not a parameter ARN (arn:aws:ssm:REGION:ACCOUNT:parameter/NAME)`}},
		{"bad emails, each reported", []string{"kirikae:alertEmails: [ops@example.com, ops, Ops <o@example.com>, a@localhost]"},
			[]string{
				`Pulumi.test.yaml:5: kirikae:alertEmails: "ops" is not an email address (name@example.com)`,
				`Pulumi.test.yaml:5: kirikae:alertEmails: "Ops <o@example.com>" is not an email address (name@example.com)`,
				`Pulumi.test.yaml:5: kirikae:alertEmails: "a@localhost" is not an email address (name@example.com)`,
			}},
		{"email list as scalar", []string{"kirikae:alertEmails: ops@example.com"},
			[]string{"Pulumi.test.yaml:5: kirikae:alertEmails: \"ops@example.com\" is not a list; write a YAML sequence, one `- item` per line"}},
		{"nested list item", []string{"kirikae:alertEmails: [[a@b.com]]"},
			[]string{`Pulumi.test.yaml:5: kirikae:alertEmails: item 1 is not a string`}},
		{"duplicate key", []string{"kirikae:imageTag: v1", "kirikae:imageTag: v2"},
			[]string{`Pulumi.test.yaml:6: kirikae:imageTag: is set twice (first on line 5)`}},
		{"subnets need a vpc", []string{"kirikae:publicSubnetIds: [subnet-0123456789abcdef0]"},
			[]string{`Pulumi.test.yaml:5: kirikae:publicSubnetIds: "subnet-0123456789abcdef0" is set but kirikae:vpcId is empty; set kirikae:vpcId or remove the subnets`}},
		{"bad subnet id", []string{"kirikae:vpcId: vpc-0123456789abcdef0", "kirikae:publicSubnetIds: [subnet-1, subnet-0123456789abcdef0]", "kirikae:privateSubnetIds: [subnet-0123456789abcdef1, subnet-0123456789abcdef2]"},
			[]string{`Pulumi.test.yaml:6: kirikae:publicSubnetIds: "subnet-1" is not a valid subnet id (subnet-<hex>)`}},
		{"lambda canary without alias version", []string{`kirikae:lambdaCanaryWeight: "10"`},
			[]string{`Pulumi.test.yaml:5: kirikae:lambdaCanaryWeight: "10" needs kirikae:lambdaAliasVersion (the version alias live stays on during the canary)`}},
		{"lambda artifact URL", []string{"kirikae:lambdaArtifact: https://example.com/fn.zip"},
			[]string{`Pulumi.test.yaml:5: kirikae:lambdaArtifact: "https://example.com/fn.zip" must be a local path or an s3://bucket/key location`}},
		{"lambda artifact s3 without key", []string{"kirikae:lambdaArtifact: s3://bucket"},
			[]string{`Pulumi.test.yaml:5: kirikae:lambdaArtifact: "s3://bucket" is not a valid s3://bucket/key location`}},
		{"health check path", []string{"kirikae:healthCheckPath: healthz"},
			[]string{`Pulumi.test.yaml:5: kirikae:healthCheckPath: "healthz" must be an absolute URL path starting with /`}},
		{"lambda runtime", []string{"kirikae:lambdaRuntime: go1.x"},
			[]string{`Pulumi.test.yaml:5: kirikae:lambdaRuntime: "go1.x" is not allowed; use one of: provided.al2023, provided.al2`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, problemsOf(t, stackYAML(tt.lines...)))
		})
	}
}

func TestPlaintextSecretIsNeverEchoed(t *testing.T) {
	got := problemsOf(t, stackYAML("kirikae:slackWebhookUrl: https://hooks.slack.com/services/T0/B0/XYZ"))
	require.Len(t, got, 1)
	assert.NotContains(t, got[0], "hooks.slack.com")
}

func TestMissingRequiredKeys(t *testing.T) {
	got := problemsOf(t, "config:\n  kirikae:backend: ecs\n")
	assert.Equal(t, []string{
		`Pulumi.test.yaml: aws:region: is required; set it with: pulumi config set aws:region <value>`,
		`Pulumi.test.yaml: kirikae:serviceName: is required; set it with: pulumi config set kirikae:serviceName <value>`,
	}, got)
}

func TestEmptyRequiredValueIsRequiredNotInvalid(t *testing.T) {
	got := problemsOf(t, stackYAML(`kirikae:backend: ""`))
	assert.Equal(t, []string{`Pulumi.test.yaml:3: kirikae:backend: is required; set it with: pulumi config set kirikae:backend <value>`}, got)
}

func TestAllProblemsReportedAtOnce(t *testing.T) {
	yaml := "config:\n" +
		"  aws:region: mars-1\n" +
		"  kirikae:backend: ecs\n" +
		"  kirikae:serviceName: kirikae\n" +
		"  kirikae:desiredCount: two\n" +
		"  kirikae:imagTag: v2\n" +
		"  kirikae:canaryPercent: \"150\"\n"
	got := problemsOf(t, yaml)
	assert.Equal(t, []string{
		`Pulumi.test.yaml:5: kirikae:desiredCount: "two" is not an integer`,
		`Pulumi.test.yaml:6: kirikae:imagTag: is not a known key; did you mean kirikae:imageTag?`,
		`Pulumi.test.yaml:2: aws:region: "mars-1" is not an AWS region (e.g. us-east-1, eu-west-1; see docs/config.md)`,
		`Pulumi.test.yaml:7: kirikae:canaryPercent: "150" must be between 1 and 99`,
	}, got)
}

func TestVPCWithoutSubnetsNamesBothLists(t *testing.T) {
	got := problemsOf(t, stackYAML("kirikae:vpcId: vpc-0123456789abcdef0"))
	assert.Equal(t, []string{
		`Pulumi.test.yaml: kirikae:publicSubnetIds: needs at least 2 subnets in different AZs because kirikae:vpcId is set`,
		`Pulumi.test.yaml: kirikae:privateSubnetIds: needs at least 2 subnets in different AZs because kirikae:vpcId is set`,
	}, got)
}

func TestValidateTypedConfig(t *testing.T) {
	c := Defaults("staging")
	err := Validate(c)
	require.Error(t, err)
	assert.Equal(t, ": aws:region: is required; set it with: pulumi config set aws:region <value>\n"+
		": kirikae:backend: is required; set it with: pulumi config set kirikae:backend <value>\n"+
		": kirikae:serviceName: is required; set it with: pulumi config set kirikae:serviceName <value>", err.Error())

	c.Region, c.Backend, c.ServiceName = "eu-west-1", BackendLambda, "svc"
	assert.NoError(t, Validate(c))

	c.Memory = 3000
	c.File = "Pulumi.staging.yaml"
	assert.EqualError(t, Validate(c), `Pulumi.staging.yaml: kirikae:memory: "3000" is not a valid Fargate memory for cpu 256; allowed: 512, 1024, 2048`)
}

// A secret key may name an SSM parameter in plain text: the name is not the
// credential, so nothing is refused and nothing needs the passphrase.
func TestSecretKeysAcceptSSMReferences(t *testing.T) {
	cfg, err := Parse(testFile, []byte(stackYAML(
		"kirikae:slackWebhookUrl: ssm:/team/staging/slack",
		"kirikae:webhookUrl: ssm:arn:aws:ssm:us-east-1:123456789012:parameter/team/hook",
	)), "test")
	require.NoError(t, err)
	assert.Equal(t, Secret{Set: true, Ref: "/team/staging/slack"}, cfg.SlackWebhook)
	assert.Equal(t, Secret{Set: true, Ref: "arn:aws:ssm:us-east-1:123456789012:parameter/team/hook"}, cfg.WebhookURL)
	assert.False(t, cfg.WebhookSecret.Set)
}

// SecretOf reads a secret key by name from the key table, so code that
// handles every secret key cannot miss one added later.
func TestSecretOfReadsEverySecretKey(t *testing.T) {
	cfg, err := Parse(testFile, []byte(stackYAML("kirikae:slackWebhookUrl: ssm:/team/slack")), "test")
	require.NoError(t, err)
	assert.Equal(t, cfg.SlackWebhook, cfg.SecretOf(KeySlackWebhookURL))
	assert.Equal(t, "/team/slack", cfg.SecretOf(KeySlackWebhookURL).Ref)
	assert.False(t, cfg.SecretOf(KeyWebhookURL).Set)
	assert.Equal(t, Secret{}, cfg.SecretOf(KeyImageTag), "not a secret key")
	assert.Len(t, SecretKeys(), 3)
}
