package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/sandbox"
)

// The pipeline's own scripts (scripts/ci, what the workflows call), in
// order, against the sandbox: PR preview → staging deploy of this commit's
// release with the reviewed plan → promote of exactly that release → the
// nightly drift check after an out-of-band change. This is the pipeline's
// proof here, since GitHub Actions cannot run on this machine.
func TestPipelineScriptsAgainstTheSandbox(t *testing.T) {
	for _, tool := range []string{"bash", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			testproject.MissingTool(t, "%s (the CI scripts use it)", tool)
		}
	}
	dir := testproject.Copy(t)
	shareAccount(t, dir)
	fastVerify(t, dir)
	root := testproject.Root(t)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "scripts", "ci"), 0o755))
	entries, err := os.ReadDir(filepath.Join(root, "scripts", "ci"))
	require.NoError(t, err)
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(root, "scripts", "ci", e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "scripts", "ci", e.Name()), raw, 0o755))
	}
	const tag = "c0ffee123456"
	out := filepath.Join(dir, "out", "ci")
	// What the build job hands the deploy jobs besides the image.
	release := filepath.Join(out, "release")
	require.NoError(t, os.MkdirAll(release, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(release, "RELEASE"), []byte(tag+"\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(release, "lambda.zip"), []byte("zip"), 0o644))
	require.NoError(t, exec.Command("cp", "-R", filepath.Join(dir, "web", "dist"), filepath.Join(release, "web-dist")).Run())

	script := func(env []string, name string, args ...string) (int, string) {
		cmd := exec.Command("bash", append([]string{filepath.Join(dir, "scripts", "ci", name)}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "NO_COLOR=1", "CI_OUT="+out, "RELEASE_TAG="+tag,
			"KIRIKAE_BIN="+kirikaeBin(t), "KIRIKAE_CI_FLAGS=--sandbox", "GITHUB_OUTPUT=", "GITHUB_STEP_SUMMARY=")
		cmd.Env = append(cmd.Env, env...)
		var b bytes.Buffer
		cmd.Stdout, cmd.Stderr = &b, &b
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			require.NoError(t, err, b.String())
		}
		return code, b.String()
	}

	// Pull request: both stacks previewed, plans saved for review.
	code, log := script(nil, "preview.sh", "staging", "product")
	require.Equal(t, 0, code, log)
	assert.FileExists(t, filepath.Join(out, "plans", "staging.json"))
	assert.FileExists(t, filepath.Join(out, "plans", "product.json"))
	assert.Contains(t, log, "kirikae preview: staging")

	// The build job: the image is built once and pushed to staging's
	// registry (`sandbox push-image` stands in for docker build-push; the
	// repository exists once the stack's infrastructure does).
	require.Equal(t, 0, kirikae(t, dir, "up", "--stack", "staging", "--sandbox").code)
	pushed := kirikae(t, dir, "sandbox", "push-image", tag, "--stack", "staging", "--sandbox",
		"--dir", filepath.Join(root, "app", "cmd", "server"), "--json")
	require.Equal(t, 0, pushed.code, pushed.stderr)
	assert.Contains(t, pushed.stdout, `"digest":"sha256:`)

	// Merge: staging gets this commit's release through its reviewed plan.
	code, log = script(nil, "deploy-staging.sh")
	require.Equal(t, 0, code, log)
	var id string
	for _, l := range strings.Split(log, "\n") {
		if v, ok := strings.CutPrefix(l, "release="); ok {
			id = v
		}
	}
	require.NotEmpty(t, id, log)
	assert.Equal(t, tag, liveImage(t, dir, "staging"))

	// A promote bound to another release is refused; the verified one goes.
	code, log = script([]string{"RELEASE=999"}, "promote.sh")
	assert.Equal(t, 2, code, log)
	code, log = script([]string{"RELEASE=" + id}, "promote.sh")
	require.Equal(t, 0, code, log)
	assert.Equal(t, tag, liveImage(t, dir, "product"), "product runs what staging verified")

	// Nightly: no drift, then an out-of-band change on product is found.
	code, log = script(nil, "drift.sh", "product")
	assert.Equal(t, 0, code, log)
	acct, err := sandbox.OpenAccount(deploy.PathsFor(dir, true).AccountDir("product"))
	require.NoError(t, err)
	rs, err := acct.Resources()
	require.NoError(t, err)
	for _, r := range rs {
		if r.Type == "aws:ecs/cluster:Cluster" && strings.Contains(r.URN, "urn:pulumi:product::") {
			require.NoError(t, acct.Drift(r.Type, r.ID, map[string]any{"tags": map[string]any{"edited": "by-hand"}}))
		}
	}
	code, log = script(nil, "drift.sh", "product")
	assert.Equal(t, 3, code, log)
	assert.Contains(t, log, "aws:ecs/cluster:Cluster")
	code, _ = script(nil, "drift.sh", "staging")
	assert.Equal(t, 0, code, "staging did not drift")
}
