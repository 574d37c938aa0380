package sandbox

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/engine"
)

// pulumiCLI finds the engine the way kirikae does (engine.EnsureCLI):
// KIRIKAE_PULUMI first, as pr.yml sets it, then the cache. Missing in CI
// fails; only a developer's machine skips.
func pulumiCLI(t *testing.T) auto.PulumiCommand {
	t.Helper()
	opts := engine.CLIOptions{Explicit: os.Getenv("KIRIKAE_PULUMI")}
	cli, err := engine.EnsureCLI(t.Context(), opts)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must have built or installed the Pulumi CLI first (KIRIKAE_PULUMI=%q): %v", opts.Explicit, err)
		}
		t.Skipf("no Pulumi CLI (run `go run ./cmd engine` first): %v", err)
	}
	return cli.Command()
}

func TestRealEngineDeploysAgainstSandbox(t *testing.T) {
	if testing.Short() && os.Getenv("CI") == "" {
		t.Skip("runs the real engine") // -short never hides it in CI
	}
	cmd := pulumiCLI(t)
	ctx := t.Context()
	tmp := t.TempDir()
	srv, err := Start(ctx, Options{StateDir: filepath.Join(tmp, "sandbox")})
	require.NoError(t, err)
	defer srv.Close()

	bucketName := "sbtest-one"
	program := func(ctx *pulumi.Context) error {
		b, err := s3.NewBucketV2(ctx, "site", &s3.BucketV2Args{Bucket: pulumi.String(bucketName)})
		if err != nil {
			return err
		}
		fn, err := lambda.NewFunction(ctx, "api", &lambda.FunctionArgs{
			Role:    pulumi.String("arn:aws:iam::123456789012:role/api"),
			Runtime: pulumi.String("nodejs20.x"),
			Handler: pulumi.String("index.handler"),
			Publish: pulumi.Bool(true),
			Code: pulumi.NewAssetArchive(map[string]any{
				"index.js": pulumi.NewStringAsset("exports.handler = async () => 'ok'"),
			}),
		})
		if err != nil {
			return err
		}
		ctx.Export("bucketDomain", b.BucketRegionalDomainName)
		ctx.Export("version", fn.Version)
		return nil
	}
	ws, err := auto.NewLocalWorkspace(ctx,
		auto.Pulumi(cmd),
		auto.Program(program),
		auto.WorkDir(tmp),
		auto.Project(workspace.Project{Name: "sbtest", Runtime: workspace.NewProjectRuntimeInfo("go", nil)}),
		auto.EnvVars(map[string]string{
			"PULUMI_BACKEND_URL":       "file://" + filepath.Join(tmp, "state"),
			"PULUMI_CONFIG_PASSPHRASE": "test",
			"PULUMI_HOME":              filepath.Join(tmp, "home"),
			"PULUMI_DEBUG_PROVIDERS":   srv.DebugProviders(),
			"PULUMI_SKIP_UPDATE_CHECK": "true",
		}),
	)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(tmp, "state"), 0o700))
	stack, err := auto.UpsertStack(ctx, "dev", ws)
	require.NoError(t, err)

	up, err := stack.Up(ctx, optup.SuppressProgress())
	require.NoError(t, err)
	assert.Equal(t, "sbtest-one.s3.us-east-1.amazonaws.com", up.Outputs["bucketDomain"].Value)
	assert.Equal(t, "1", up.Outputs["version"].Value)

	again, err := stack.Up(ctx, optup.SuppressProgress())
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"same": 3}, *again.Summary.ResourceChanges, "a second up changes nothing")

	bucketName = "sbtest-two"
	pre, err := stack.Preview(ctx, optpreview.SuppressProgress())
	require.NoError(t, err)
	assert.Equal(t, 1, pre.ChangeSummary[apitype.OpReplace])

	_, err = stack.Destroy(ctx, optdestroy.SuppressProgress())
	require.NoError(t, err)
	res, err := srv.Account().Resources()
	require.NoError(t, err)
	assert.Empty(t, res, "destroy empties the simulated account")
}
