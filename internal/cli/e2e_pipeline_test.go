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

	// The project is a git checkout: the release tag and the reviewed-plan
	// check both name its tree.
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=ci", "GIT_AUTHOR_EMAIL=ci@example.com",
			"GIT_COMMITTER_NAME=ci", "GIT_COMMITTER_EMAIL=ci@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		b, err := cmd.CombinedOutput()
		require.NoError(t, err, string(b))
		return strings.TrimSpace(string(b))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".gitignore"), []byte("out/\n.kirikae/\n"), 0o644))
	git("init", "-q")
	git("add", "-A")
	git("commit", "-qm", "pull request head")

	// The project already runs on staging (its first deploy made the
	// repository the build job pushes to).
	require.Equal(t, 0, kirikae(t, dir, "up", "--stack", "staging", "--sandbox").code)

	// Pull request: both stacks previewed with the release the merge will
	// deploy, plans and the tree saved for review.
	code, log := script([]string{"WITH_RELEASE=1"}, "preview.sh", "staging", "product")
	require.Equal(t, 0, code, log)
	assert.FileExists(t, filepath.Join(out, "plans", "staging.json"))
	assert.FileExists(t, filepath.Join(out, "plans", "product.json"))
	assert.Contains(t, log, "kirikae preview: staging")
	tree, err := os.ReadFile(filepath.Join(out, "plans", "TREE"))
	require.NoError(t, err)
	assert.Equal(t, git("rev-parse", "HEAD^{tree}"), strings.TrimSpace(string(tree)))
	// What the `reviewed` job hands the staging job after the merge.
	reviewed := filepath.Join(dir, "reviewed", "plans")
	require.NoError(t, os.MkdirAll(filepath.Dir(reviewed), 0o755))
	require.NoError(t, exec.Command("cp", "-R", filepath.Join(out, "plans"), reviewed).Run())

	// The build job: the image is built once and pushed to staging's
	// registry (`sandbox push-image` stands in for docker build-push).
	pushed := kirikae(t, dir, "sandbox", "push-image", tag, "--stack", "staging", "--sandbox",
		"--dir", filepath.Join(root, "app", "cmd", "server"), "--json")
	require.Equal(t, 0, pushed.code, pushed.stderr)
	assert.Contains(t, pushed.stdout, `"digest":"sha256:`)

	// Merge (a merge commit with the same files): staging gets this
	// release through the plan reviewed in the pull request.
	git("commit", "-q", "--allow-empty", "-m", "merge pull request")
	withReviewed := []string{"REVIEWED_PLANS=" + reviewed}
	code, log = script(withReviewed, "deploy-staging.sh")
	require.Equal(t, 0, code, log)
	assert.Contains(t, log, "applying the plan reviewed in the pull request")
	assert.NotContains(t, log, "previewing again")
	var id string
	for _, l := range strings.Split(log, "\n") {
		if v, ok := strings.CutPrefix(l, "release="); ok {
			id = v
		}
	}
	require.NotEmpty(t, id, log)
	assert.Equal(t, tag, liveImage(t, dir, "staging"))

	// The same reviewed plan again: staging moved since the review, so it
	// is refused and nothing changes; a manual run with a fresh plan goes.
	code, log = script(withReviewed, "deploy-staging.sh")
	assert.Equal(t, 2, code, log)
	assert.Contains(t, log, "stale")
	code, log = script(append(withReviewed, "FRESH_PLAN=1"), "deploy-staging.sh")
	assert.Equal(t, 0, code, log)
	assert.Contains(t, log, "previewing again")
	// A merge that brought other files never applies the reviewed plan.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "NOTES.txt"), []byte("another change\n"), 0o644))
	git("add", "-A")
	git("commit", "-qm", "merge with other changes")
	code, log = script(withReviewed, "deploy-staging.sh")
	assert.Equal(t, 0, code, log)
	assert.Contains(t, log, "this commit's files differ from the reviewed pull request's")

	// A promote bound to another release is refused; the verified one goes.
	code, log = script([]string{"RELEASE=999"}, "promote.sh")
	assert.Equal(t, 2, code, log)
	code, log = script([]string{"RELEASE=" + id}, "promote.sh")
	require.Equal(t, 0, code, log)
	assert.Equal(t, tag, liveImage(t, dir, "product"), "product runs what staging verified")

	// Nightly: no drift, then an out-of-band change on product is found.
	code, log = script(nil, "drift.sh", "product")
	assert.Equal(t, 0, code, log)
	acct, err := deploy.OpenSandboxAccount(dir, "product")
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
