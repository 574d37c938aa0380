package infra

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	artifacts "github.com/kirikae/kirikae/build"
	"github.com/kirikae/kirikae/stacks"
)

const (
	typeFunction   = "aws:lambda/function:Function"
	typeAlias      = "aws:lambda/alias:Alias"
	typePermission = "aws:lambda/permission:Permission"
)

func TestAliasFollowsThePublishedVersionByDefault(t *testing.T) {
	m := run(t, testConfig(stacks.BackendLambda))
	fn := m.one(t, typeFunction, "function")
	alias := m.one(t, typeAlias, LiveAlias)
	assert.Equal(t, mockVersion, str(t, fn.Outputs, "version"))
	assert.Equal(t, str(t, fn.Outputs, "version"), str(t, alias.Inputs, "functionVersion"))
	assert.Equal(t, "live", str(t, alias.Inputs, "name"))
	assert.Equal(t, "api-staging", str(t, alias.Inputs, "functionName"))
	assert.False(t, has(alias.Inputs, "routingConfig"))
}

func TestAliasVersionPinsTheAlias(t *testing.T) {
	cfg := testConfig(stacks.BackendLambda)
	cfg.LambdaAliasVersion = "3"
	m := run(t, cfg)
	alias := m.one(t, typeAlias, LiveAlias)
	assert.Equal(t, "3", str(t, alias.Inputs, "functionVersion"))
	assert.False(t, has(alias.Inputs, "routingConfig"))
	assert.Equal(t, "3", outputsOf(t, cfg)[OutputLambdaVersion])
}

func TestCanaryRoutesItsWeightToTheNewVersion(t *testing.T) {
	cfg := testConfig(stacks.BackendLambda)
	cfg.LambdaAliasVersion = "3"
	cfg.LambdaCanaryWeight = 10
	m := run(t, cfg)
	alias := m.one(t, typeAlias, LiveAlias)
	assert.Equal(t, "3", str(t, alias.Inputs, "functionVersion"))
	weights := at(t, alias.Inputs, "routingConfig", "additionalVersionWeights").ObjectValue()
	require.Len(t, weights, 1)
	assert.InDelta(t, 0.10, weights[mockVersion].NumberValue(), 1e-9)
}

func TestCanaryWithoutAPinnedVersionFails(t *testing.T) {
	cfg := testConfig(stacks.BackendLambda)
	cfg.LambdaCanaryWeight = 10
	_, err := runErr(cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "lambdaAliasVersion")

	cfg.LambdaAliasVersion, cfg.LambdaCanaryWeight = "3", 100
	_, err = runErr(cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "outside 0..99")
}

func TestAPIInvokesTheAliasNeverTheFunction(t *testing.T) {
	m := run(t, testConfig(stacks.BackendLambda))
	fn := m.one(t, typeFunction, "function")
	alias := m.one(t, typeAlias, LiveAlias)
	api := m.one(t, "aws:apigatewayv2/api:Api", "http")
	integration := m.one(t, "aws:apigatewayv2/integration:Integration", "live")

	uri := str(t, integration.Inputs, "integrationUri")
	assert.Equal(t, str(t, alias.Outputs, "invokeArn"), uri)
	assert.NotEqual(t, str(t, fn.Outputs, "invokeArn"), uri)
	assert.Contains(t, uri, ":function:api-staging:live/invocations")
	assert.Equal(t, "AWS_PROXY", str(t, integration.Inputs, "integrationType"))
	assert.Equal(t, "2.0", str(t, integration.Inputs, "payloadFormatVersion"))
	assert.Equal(t, api.ID, str(t, integration.Inputs, "apiId"))
	assert.Equal(t, "HTTP", str(t, api.Inputs, "protocolType"))

	route := m.one(t, "aws:apigatewayv2/route:Route", "default")
	assert.Equal(t, "$default", str(t, route.Inputs, "routeKey"))
	assert.Equal(t, "integrations/"+integration.ID, str(t, route.Inputs, "target"))
	stage := m.one(t, "aws:apigatewayv2/stage:Stage", "default")
	assert.Equal(t, "$default", str(t, stage.Inputs, "name"))
	assert.True(t, at(t, stage.Inputs, "autoDeploy").BoolValue())

	perm := m.one(t, typePermission, "api-invoke")
	assert.Equal(t, "live", str(t, perm.Inputs, "qualifier"))
	assert.Equal(t, "apigateway.amazonaws.com", str(t, perm.Inputs, "principal"))
	assert.Equal(t, "lambda:InvokeFunction", str(t, perm.Inputs, "action"))
	assert.Equal(t, "api-staging", str(t, perm.Inputs, "function"))
	assert.Equal(t, str(t, api.Outputs, "executionArn")+"/*/*", str(t, perm.Inputs, "sourceArn"))
}

func TestFunctionIsPublishedAndSizedFromConfig(t *testing.T) {
	m := run(t, testConfig(stacks.BackendLambda))
	fn := m.one(t, typeFunction, "function")
	assert.Equal(t, "api-staging", str(t, fn.Inputs, "name"))
	assert.True(t, at(t, fn.Inputs, "publish").BoolValue())
	assert.Equal(t, "provided.al2023", str(t, fn.Inputs, "runtime"))
	assert.Equal(t, "bootstrap", str(t, fn.Inputs, "handler"))
	assert.Equal(t, float64(256), at(t, fn.Inputs, "memorySize").NumberValue())
	assert.Equal(t, float64(10), at(t, fn.Inputs, "timeout").NumberValue())
	assert.Equal(t, []string{"arm64"}, strs(t, fn.Inputs, "architectures"), "the default kirikae:cpuArchitecture")
	assert.Equal(t, artifacts.DefaultLambdaArch, stacks.Defaults("staging").Platform().GOARCH, "build.LambdaZip's default is the stack's")
	role := m.one(t, "aws:iam/role:Role", "function")
	assert.Equal(t, str(t, role.Outputs, "arn"), str(t, fn.Inputs, "role"))
	assert.Contains(t, str(t, role.Inputs, "assumeRolePolicy"), `"Service":"lambda.amazonaws.com"`)
	assert.Empty(t, m.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), "no AWS-managed policy with Resource *")
	logs := m.one(t, "aws:cloudwatch/logGroup:LogGroup", "logs")
	assert.Equal(t, "/aws/lambda/api-staging", str(t, logs.Inputs, "name"))
	assert.Equal(t, float64(14), at(t, logs.Inputs, "retentionInDays").NumberValue())
}

func TestFunctionCodeFromS3OrLocalArchive(t *testing.T) {
	m := run(t, testConfig(stacks.BackendLambda)) // s3://artifacts/api/v2.zip
	fn := m.one(t, typeFunction, "function")
	assert.Equal(t, "artifacts", str(t, fn.Inputs, "s3Bucket"))
	assert.Equal(t, "api/v2.zip", str(t, fn.Inputs, "s3Key"))
	assert.False(t, has(fn.Inputs, "code"))

	cfg := testConfig(stacks.BackendLambda)
	cfg.LambdaArtifact = t.TempDir()
	for _, f := range []string{"bootstrap", "conf/app.json", ".env", ".git/config"} {
		p := filepath.Join(cfg.LambdaArtifact, f)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(f), 0o644))
	}
	fn = run(t, cfg).one(t, typeFunction, "function")
	code := at(t, fn.Inputs, "code")
	require.True(t, code.IsArchive(), "code is %v", code)
	// Dotfiles and VCS directories are never zipped into the function.
	var names []string
	for name := range code.ArchiveValue().Assets {
		names = append(names, name)
	}
	assert.ElementsMatch(t, []string{"bootstrap", "conf/app.json"}, names)
	assert.False(t, has(fn.Inputs, "s3Bucket"))

	zip := filepath.Join(t.TempDir(), "fn.zip")
	require.NoError(t, os.WriteFile(zip, []byte("PK"), 0o644))
	cfg.LambdaArtifact = zip
	code = at(t, run(t, cfg).one(t, typeFunction, "function").Inputs, "code")
	assert.Equal(t, zip, code.ArchiveValue().Path)
}

func TestFunctionCodeRefusesSymlinkOutOfArtifactDir(t *testing.T) {
	cfg := testConfig(stacks.BackendLambda)
	cfg.LambdaArtifact = t.TempDir()
	secret := filepath.Join(t.TempDir(), "credentials")
	require.NoError(t, os.WriteFile(secret, []byte("aws"), 0o600))
	require.NoError(t, os.Symlink(secret, filepath.Join(cfg.LambdaArtifact, "bootstrap")))
	_, err := runErr(cfg)
	require.ErrorContains(t, err, "outside")
}

func TestLambdaCodeParsing(t *testing.T) {
	tests := []struct {
		artifact string
		want     functionCode
		wantErr  bool
	}{
		{artifact: "s3://bucket/key.zip", want: functionCode{S3Bucket: "bucket", S3Key: "key.zip"}},
		{artifact: "s3://bucket/deep/key.zip", want: functionCode{S3Bucket: "bucket", S3Key: "deep/key.zip"}},
		{artifact: "/abs/build/api.zip", want: functionCode{Path: "/abs/build/api.zip"}},
		{artifact: "build/dir", want: functionCode{Path: "build/dir"}},
		{artifact: "s3://bucket", wantErr: true},
		{artifact: "s3:///key", wantErr: true},
		{artifact: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.artifact, func(t *testing.T) {
			got, err := lambdaCode(tt.artifact)
			if tt.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// The function declares the stack's kirikae:cpuArchitecture, the one the
// pipeline builds the zip's bootstrap for.
func TestFunctionArchitectureIsTheStacks(t *testing.T) {
	for arch, want := range map[string]string{"": "arm64", stacks.ArchARM64: "arm64", stacks.ArchX86_64: "x86_64"} {
		cfg := testConfig(stacks.BackendLambda)
		cfg.CPUArchitecture = arch
		fn := run(t, cfg).one(t, typeFunction, "function")
		assert.Equal(t, []string{want}, strs(t, fn.Inputs, "architectures"), "cpuArchitecture %q", arch)
	}
}
