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
)

// pulumiCLI finds the engine kirikae builds; the test only skips outside CI.
func pulumiCLI(t *testing.T) auto.PulumiCommand {
	t.Helper()
	home, err := os.UserHomeDir()
	require.NoError(t, err)
	dir := filepath.Join(home, ".cache", "kirikae", "pulumi", "v3.274.1")
	root := dir // NewPulumiCommand runs <root>/bin/pulumi
	if _, err := os.Stat(filepath.Join(dir, "bin", "pulumi")); err != nil {
		bin := filepath.Join(dir, "pulumi")
		if _, err := os.Stat(bin); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("pulumi CLI missing in %s: %v", dir, err)
			}
			t.Skipf("pulumi CLI not built yet (%s)", dir)
		}
		root = t.TempDir()
		require.NoError(t, os.Mkdir(filepath.Join(root, "bin"), 0o755))
		require.NoError(t, os.Symlink(bin, filepath.Join(root, "bin", "pulumi")))
	}
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: root})
	require.NoError(t, err)
	return cmd
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
