package stacks

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRepoStacksLoadWithoutProblems(t *testing.T) {
	for _, stack := range []string{"staging", "product"} {
		t.Run(stack, func(t *testing.T) {
			c, err := Load("..", stack)
			require.NoError(t, err)
			assert.Equal(t, stack, c.Stack)
			assert.Equal(t, filepath.Join("..", "Pulumi."+stack+".yaml"), c.File)
			assert.Equal(t, StrategyBlueGreen, c.Strategy)
			assert.True(t, c.FrontendEnabled)
			assert.Equal(t, "v1", c.ImageTag)
			assert.Equal(t, 5*time.Minute, c.BakeTime)
			assert.Equal(t, 60*time.Second, c.VerifyTimeout)
		})
	}
	staging, err := Load("..", "staging")
	require.NoError(t, err)
	product, err := Load("..", "product")
	require.NoError(t, err)
	// Region, backend and name are the project's (kirikae init sets them):
	// both stacks agree on them, whatever they are.
	assert.Equal(t, staging.Region, product.Region)
	assert.Contains(t, []string{BackendECS, BackendLambda}, staging.Backend)
	assert.Equal(t, staging.Backend, product.Backend)
	assert.Equal(t, staging.ServiceName, product.ServiceName)
	assert.Equal(t, 1, staging.DesiredCount)
	assert.Equal(t, 2, product.DesiredCount)
	assert.Equal(t, []string{"oncall@example.com", "dev-alerts@example.com"}, product.AlertEmails)
}

func TestRepoStacksHaveTheSameKeys(t *testing.T) {
	assert.NoError(t, CheckParity("..", "staging", "product"))
	assert.NoError(t, CheckParity("..")) // every Pulumi.<stack>.yaml present
}

func TestRepoProjectFile(t *testing.T) {
	data, err := os.ReadFile("../Pulumi.yaml")
	require.NoError(t, err)
	// The project's name is its own (kirikae init sets it), a valid
	// service name as kirikae:serviceName, which init sets to the same.
	name := regexp.MustCompile(`(?m)^name: (\S+)$`).FindStringSubmatch(string(data))
	require.NotNil(t, name, "Pulumi.yaml has no name:")
	assert.True(t, ValidServiceName(name[1]), "project name %q", name[1])
	assert.Contains(t, string(data), "runtime: go\n")
}

func TestDefaultsApplied(t *testing.T) {
	c, err := Parse(testFile, []byte(stackYAML()), "staging")
	require.NoError(t, err)
	want := Config{
		Stack: "staging", File: testFile, Region: "us-east-1", Backend: BackendECS, ServiceName: "kirikae",
		ImageRepository: "kirikae-api", ImageRepositoryOwner: true, ImageTag: "v1", CPU: 256, CPUArchitecture: ArchARM64, Memory: 512, DesiredCount: 1,
		ContainerPort: 8080, HealthCheckPath: "/healthz", DrainSeconds: 10, ActiveColor: ColorBlue, LogRetention: 14,
		LambdaArtifact: "app/lambda", LambdaMemory: 256, LambdaTimeout: 10, LambdaRuntime: "provided.al2023",
		LambdaHandler: "bootstrap", FrontendRelease: "r1", SandboxAccount: "shared", FrontendDir: "web/dist", KeepReleases: 5,
		Strategy: StrategyBlueGreen, CanaryPercent: 10, BakeTime: 5 * time.Minute, WatchTime: 2 * time.Minute, VerifyStatus: 200,
		VerifyTimeout: 60 * time.Second, VerifyAttempts: 5, Alarm5xxThreshold: 10, AlarmUnhealthyThreshold: 1,
		AlarmLambdaErrors: 5, AlarmLambdaThrottles: 1, AlarmCloudFront5xxRate: 5,
		SmokeTimeout: 5 * time.Minute, MigrateTimeout: 10 * time.Minute,
	}
	assert.Equal(t, want, c)
}

func TestParseValueForms(t *testing.T) {
	c, err := Parse(testFile, []byte(stackYAML(
		"kirikae:desiredCount: 3",       // unquoted, as people write it
		`kirikae:containerPort: "9090"`, // quoted, as pulumi config set writes it
		"kirikae:imageTag: 1.10",        // YAML float, but the tag is the text
		"kirikae:frontendEnabled: true", //
		"kirikae:alarmCloudFront5xxRate: 2.5",
		"kirikae:alertEmails:\n    - a@example.com\n    - b@example.com",
		"kirikae:slackWebhookUrl:\n    secure: AAABAHNlY3JldA==",
		"aws:profile: kirikae-dev",
		"kirikae:vpcId: vpc-0123456789abcdef0",
		"kirikae:publicSubnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]",
		"kirikae:privateSubnetIds: [subnet-0123456789abcdef2, subnet-0123456789abcdef3]",
		"kirikae:lambdaArtifact: s3://artifacts-bucket/api/v2.zip",
		"kirikae:lambdaAliasVersion: \"7\"",
		"kirikae:lambdaCanaryWeight: 10",
		"kirikae:webhookUrl:\n    secure: AAABAGhvb2s=",
	)), "staging")
	require.NoError(t, err)
	assert.Equal(t, 3, c.DesiredCount)
	assert.Equal(t, 9090, c.ContainerPort)
	assert.Equal(t, "1.10", c.ImageTag)
	assert.True(t, c.FrontendEnabled)
	assert.Equal(t, 2.5, c.AlarmCloudFront5xxRate)
	assert.Equal(t, []string{"a@example.com", "b@example.com"}, c.AlertEmails)
	assert.Equal(t, Secret{Set: true, Ciphertext: "AAABAHNlY3JldA=="}, c.SlackWebhook)
	assert.Equal(t, []string{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"}, c.PublicSubnetIDs)
	assert.Equal(t, "s3://artifacts-bucket/api/v2.zip", c.LambdaArtifact)
	assert.Equal(t, "7", c.LambdaAliasVersion)
	assert.Equal(t, 10, c.LambdaCanaryWeight)
	assert.Equal(t, Secret{Set: true, Ciphertext: "AAABAGhvb2s="}, c.WebhookURL)
}

func TestParseYAMLAnchorsResolve(t *testing.T) {
	c, err := Parse(testFile, []byte(stackYAML(`kirikae:desiredCount: &n "4"`, "kirikae:verifyAttempts: *n")), "staging")
	require.NoError(t, err)
	assert.Equal(t, 4, c.VerifyAttempts)
}

func TestMalformedYAMLReportsLine(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"config:\n  aws:region: us-east-1\n  kirikae:backend: ecs: x\n",
			"Pulumi.test.yaml:3: is not valid YAML: mapping values are not allowed in this context"},
		{"config:\n  aws:region: us-east-1\n  kirikae:backend: ecs\n  kirikae:cpu: @256\n",
			"Pulumi.test.yaml:4: is not valid YAML: found character that cannot start any token"},
	}
	for _, tt := range tests {
		assert.Equal(t, []string{tt.want}, problemsOf(t, tt.yaml))
	}
}

func TestMissingConfigMap(t *testing.T) {
	const msg = "has no config: map; a stack file starts with `config:` followed by indented key: value lines"
	assert.Equal(t, []string{"Pulumi.test.yaml:1: " + msg}, problemsOf(t, ""))
	assert.Equal(t, []string{"Pulumi.test.yaml:1: " + msg}, problemsOf(t, "encryptionsalt: v1:abc\n"))
	assert.Equal(t, []string{"Pulumi.test.yaml:1: " + msg}, problemsOf(t, "config:\n"))
	assert.Equal(t, []string{"Pulumi.test.yaml:1: " + msg}, problemsOf(t, "- aws:region\n"))
	assert.Equal(t, []string{"Pulumi.test.yaml:1: " + msg}, problemsOf(t, "config: us-east-1\n"))
}

func TestUnknownTopLevelKeyStillChecksConfig(t *testing.T) {
	yaml := "stack: staging\n" + stackYAML(`kirikae:desiredCount: "0"`)
	assert.Equal(t, []string{
		"Pulumi.test.yaml:1: stack: is not a Pulumi stack file key; put settings under config:",
		`Pulumi.test.yaml:6: kirikae:desiredCount: "0" must be at least 1`,
	}, problemsOf(t, yaml))
}

func TestLoadUnknownStackListsExisting(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "Pulumi.yaml", "name: kirikae\nruntime: go\n")
	writeFile(t, dir, "Pulumi.staging.yaml", stackYAML())
	writeFile(t, dir, "Pulumi.product.yaml", stackYAML())
	writeFile(t, dir, "README.md", "x")

	_, err := Load(dir, "prod")
	var unknown *ErrUnknownStack
	require.True(t, errors.As(err, &unknown), "got %T: %v", err, err)
	assert.Equal(t, []string{"product", "staging"}, unknown.Known)
	assert.Equal(t, `unknown stack "prod": no Pulumi.prod.yaml in `+dir+`; stacks: product, staging`, err.Error())

	_, err = Load(t.TempDir(), "staging")
	assert.Regexp(t, `; stacks: none$`, err.Error())
}

func TestLoadFullyQualifiedStackName(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "Pulumi.staging.yaml", stackYAML())
	c, err := Load(dir, "acme/kirikae/staging")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "Pulumi.staging.yaml"), c.File)
}

func TestLoadReportsFileProblems(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "Pulumi.staging.yaml", stackYAML("kirikae:backend: k8s"))
	_, err := Load(dir, "staging")
	var verr *ValidationError
	require.True(t, errors.As(err, &verr))
	assert.Equal(t, []Problem{{File: filepath.Join(dir, "Pulumi.staging.yaml"), Key: KeyBackend, Line: 3, Value: "k8s",
		Message: "is not allowed; use one of: ecs, lambda"}}, verr.Problems)
}

func TestStacksSorted(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"Pulumi.yaml", "Pulumi.staging.yaml", "Pulumi.dev.yaml", "Pulumi.product.yaml", "Pulumi..yaml", "other.yaml"} {
		writeFile(t, dir, n, "")
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, "Pulumi.dir.yaml"), 0o755))
	got, err := Stacks(dir)
	require.NoError(t, err)
	assert.Equal(t, []string{"dev", "product", "staging"}, got)

	_, err = Stacks(filepath.Join(dir, "missing"))
	assert.ErrorContains(t, err, "list stacks: ")
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
}
