package cli_test

import (
	"bytes"
	"encoding/json"
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

// pipelineProject is a copy of the project that is a git checkout with the
// pipeline's scripts and the build tool they run (scripts/ci, build/), for
// running scripts/ci against the sandbox as the workflows run them.
type pipelineProject struct {
	t    *testing.T
	dir  string
	out  string
	root string
}

const pipelineTag = "c0ffee123456"

// newPipelineProject copies the project; edit, when set, rewrites both
// stack files. With fast, a failing verification gives up in seconds.
func newPipelineProject(t *testing.T, fast bool, edit func(stackFile string) string) *pipelineProject {
	t.Helper()
	for _, tool := range []string{"bash", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			testproject.MissingTool(t, "%s (the CI scripts use it)", tool)
		}
	}
	p := &pipelineProject{t: t, dir: testproject.Copy(t), root: testproject.Root(t)}
	p.out = filepath.Join(p.dir, "out", "ci")
	if fast {
		fastVerify(t, p.dir)
	}
	for _, sub := range []string{filepath.Join("scripts", "ci"), "build", filepath.Join("build", "cmd", "artifact")} {
		require.NoError(t, os.MkdirAll(filepath.Join(p.dir, sub), 0o755))
		entries, err := os.ReadDir(filepath.Join(p.root, sub))
		require.NoError(t, err)
		for _, e := range entries {
			if e.IsDir() || strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			raw, err := os.ReadFile(filepath.Join(p.root, sub, e.Name()))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(p.dir, sub, e.Name()), raw, 0o755))
		}
	}
	if edit != nil {
		for _, stack := range []string{"staging", "product"} {
			f := filepath.Join(p.dir, "Pulumi."+stack+".yaml")
			raw, err := os.ReadFile(f)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(f, []byte(edit(string(raw))), 0o644))
		}
	}
	require.NoError(t, os.WriteFile(filepath.Join(p.dir, ".gitignore"), []byte("out/\n.kirikae/\ndist/\nreviewed/\n"), 0o644))
	p.git("init", "-q")
	p.git("add", "-A")
	p.git("commit", "-qm", "pull request head")
	return p
}

// script runs scripts/ci/name as the workflow step would.
func (p *pipelineProject) script(env []string, name string, args ...string) (int, string) {
	t := p.t
	t.Helper()
	cmd := exec.Command("bash", append([]string{filepath.Join(p.dir, "scripts", "ci", name)}, args...)...)
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "CI_OUT="+p.out, "RELEASE_TAG="+pipelineTag,
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

// git runs git in the project: the release tag and the reviewed-plan check
// both name its tree.
func (p *pipelineProject) git(args ...string) string {
	p.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=ci", "GIT_AUTHOR_EMAIL=ci@example.com",
		"GIT_COMMITTER_NAME=ci", "GIT_COMMITTER_EMAIL=ci@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	b, err := cmd.CombinedOutput()
	require.NoError(p.t, err, string(b))
	return strings.TrimSpace(string(b))
}

// reviewPR runs the pull request's preview job and hands its plans on as
// the `reviewed` job does after the merge.
func (p *pipelineProject) reviewPR() string {
	t := p.t
	t.Helper()
	code, log := p.script([]string{"WITH_RELEASE=1", asRole("preview")}, "preview.sh", "staging", "product")
	require.Equal(t, 0, code, log)
	assert.FileExists(t, filepath.Join(p.out, "plans", "staging.json"))
	assert.FileExists(t, filepath.Join(p.out, "plans", "product.json"))
	assert.Contains(t, log, "kirikae preview: staging")
	tree, err := os.ReadFile(filepath.Join(p.out, "plans", "TREE"))
	require.NoError(t, err)
	assert.Equal(t, p.git("rev-parse", "HEAD^{tree}"), strings.TrimSpace(string(tree)))
	reviewed := filepath.Join(p.dir, "reviewed", "plans")
	require.NoError(t, os.MkdirAll(filepath.Dir(reviewed), 0o755))
	require.NoError(t, exec.Command("cp", "-R", filepath.Join(p.out, "plans"), reviewed).Run())
	return reviewed
}

// asRole runs a job's kirikae commands as the pipeline role the job's
// workflow assumes (pr.yml: preview; deploy.yml: the stack's deploy role;
// drift.yml: drift), each authorised by the sandbox against the policy
// `kirikae iam policy` prints for it.
func asRole(role string) string { return deploy.SandboxRoleEnv + "=" + role }

// releaseOf reads the release= step output of deploy-staging.sh.
func releaseOf(log string) string {
	var id string
	for _, l := range strings.Split(log, "\n") {
		if v, ok := strings.CutPrefix(l, "release="); ok {
			id = v
		}
	}
	return id
}

// The pipeline's own scripts (scripts/ci, what the workflows call), in
// order, against an empty sandbox account: PR preview → the build job
// (bootstrap, then the image pushed before any up) → staging deploy of this
// commit's release with the reviewed plan → promote of exactly that
// release → the nightly drift check after an out-of-band change. This is
// the pipeline's proof here, since GitHub Actions cannot run on this
// machine.
func TestPipelineScriptsAgainstTheSandbox(t *testing.T) {
	p := newPipelineProject(t, true, nil)
	dir, root := p.dir, p.root

	// Pull request: both stacks previewed with the release the merge will
	// deploy, plans and the tree saved for review. Nothing is deployed yet.
	reviewed := p.reviewPR()

	// The build job on a new account: bootstrap creates the repository,
	// then the image is built once and pushed to it (`sandbox push-image`
	// stands in for docker build-push) before any up.
	code, log := p.script([]string{asRole("deploy:staging")}, "bootstrap.sh")
	require.Equal(t, 0, code, log)
	code, log = p.script(nil, "image-exists.sh")
	require.Equal(t, 0, code, log)
	assert.Contains(t, log, "found=false", "nothing under the tag yet: build")
	pushed := kirikae(t, dir, "sandbox", "push-image", pipelineTag, "--stack", "staging", "--sandbox",
		"--dir", filepath.Join(root, "app", "cmd", "server"), "--json")
	require.Equal(t, 0, pushed.code, pushed.stderr)
	var image struct{ Digest string }
	require.NoError(t, json.Unmarshal([]byte(pushed.stdout), &image), pushed.stdout)
	require.Regexp(t, `^sha256:`, image.Digest)
	// The build records the digest it pushed; a digest ECR does not hold
	// under the tag is refused. A re-run then skips the build.
	code, log = p.script([]string{"DIGEST=sha256:" + strings.Repeat("0", 64)}, "record-image.sh")
	assert.Equal(t, 2, code, log)
	code, log = p.script([]string{"DIGEST=" + image.Digest}, "record-image.sh")
	require.Equal(t, 0, code, log)
	code, log = p.script(nil, "image-exists.sh")
	require.Equal(t, 0, code, log)
	assert.Contains(t, log, "found=true", "the pipeline's own image")
	// Someone with push rights puts an image under a pending pull
	// request's tree hash: the build neither skips nor deploys it.
	foreign := kirikae(t, dir, "sandbox", "push-image", "feed00000000", "--stack", "staging", "--sandbox",
		"--dir", filepath.Join(root, "app", "cmd", "server"))
	require.Equal(t, 0, foreign.code, foreign.stderr)
	code, log = p.script([]string{"RELEASE_TAG=feed00000000"}, "image-exists.sh")
	assert.Equal(t, 2, code, log)
	assert.Contains(t, log, "was not built by this pipeline")
	assert.NotContains(t, log, "found=")

	// Merge (a merge commit with the same files): staging gets this
	// release through the plan reviewed in the pull request.
	p.git("commit", "-q", "--allow-empty", "-m", "merge pull request")
	withReviewed := []string{"REVIEWED_PLANS=" + reviewed, asRole("deploy:staging")}
	code, log = p.script(withReviewed, "deploy-staging.sh")
	require.Equal(t, 0, code, log)
	assert.Contains(t, log, "applying the plan reviewed in the pull request")
	assert.NotContains(t, log, "previewing again")
	assert.NotContains(t, log, "is empty: building image", "the image the build job pushed")
	id := releaseOf(log)
	require.NotEmpty(t, id, log)
	assert.Equal(t, pipelineTag, liveImage(t, dir, "staging"))

	// The same reviewed plan again: staging moved since the review, so it
	// is refused and nothing changes; a manual run with a fresh plan goes.
	code, log = p.script(withReviewed, "deploy-staging.sh")
	assert.Equal(t, 2, code, log)
	assert.Contains(t, log, "stale")
	code, log = p.script(append(withReviewed, "FRESH_PLAN=1"), "deploy-staging.sh")
	assert.Equal(t, 0, code, log)
	assert.Contains(t, log, "previewing again")
	// A merge that brought other files never applies the reviewed plan.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "NOTES.txt"), []byte("another change\n"), 0o644))
	p.git("add", "-A")
	p.git("commit", "-qm", "merge with other changes")
	code, log = p.script(withReviewed, "deploy-staging.sh")
	assert.Equal(t, 0, code, log)
	assert.Contains(t, log, "this commit's files differ from the reviewed pull request's")

	// A promote bound to another release is refused; the verified one goes.
	asProduct := asRole("deploy:product")
	code, log = p.script([]string{"RELEASE=999", asProduct}, "promote.sh")
	assert.Equal(t, 2, code, log)
	code, log = p.script([]string{"RELEASE=" + id, asProduct}, "promote.sh")
	require.Equal(t, 0, code, log)
	assert.Equal(t, pipelineTag, liveImage(t, dir, "product"), "product runs what staging verified")

	// Nightly: no drift, then an out-of-band change on product is found.
	asDrift := []string{asRole("drift")}
	code, log = p.script(asDrift, "drift.sh", "product")
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
	code, log = p.script(asDrift, "drift.sh", "product")
	assert.Equal(t, 3, code, log)
	assert.Contains(t, log, "aws:ecs/cluster:Cluster")
	code, _ = p.script(asDrift, "drift.sh", "staging")
	assert.Equal(t, 0, code, "staging did not drift")
}

// The same sequence with `backend: lambda`: the zip the build makes goes
// where kirikae:lambdaArtifact says (dist/lambda.zip in the stack files),
// built for kirikae:cpuArchitecture, and staging's verified release is
// promoted to product. Bootstrap has nothing to create for a function.
func TestPipelineScriptsLambdaBackend(t *testing.T) {
	// The function's first invocation starts its runtime (under qemu for
	// arm64 on this machine): verification keeps its real timeout.
	p := newPipelineProject(t, false, func(stackFile string) string {
		return strings.Replace(stackFile, "kirikae:backend: ecs", "kirikae:backend: lambda", 1)
	})
	reviewed := p.reviewPR()
	zip, err := os.ReadFile(filepath.Join(p.dir, "dist", "lambda.zip"))
	require.NoError(t, err, "the preview had the zip where the stack reads it")
	built, err := os.ReadFile(filepath.Join(p.out, "release", "lambda.zip"))
	require.NoError(t, err)
	assert.Equal(t, built, zip)

	code, log := p.script([]string{asRole("deploy:staging")}, "bootstrap.sh")
	require.Equal(t, 0, code, log)
	assert.Contains(t, log, "nothing to create")

	p.git("commit", "-q", "--allow-empty", "-m", "merge pull request")
	require.NoError(t, os.RemoveAll(filepath.Join(p.dir, "dist")), "a fresh runner has no zip until install_release")
	code, log = p.script([]string{"REVIEWED_PLANS=" + reviewed, asRole("deploy:staging")}, "deploy-staging.sh")
	require.Equal(t, 0, code, log)
	assert.Contains(t, log, "applying the plan reviewed in the pull request")
	id := releaseOf(log)
	require.NotEmpty(t, id, log)

	// The release artifact the product job downloads is not the zip
	// staging verified: the promote is refused and product is untouched.
	zipPath := filepath.Join(p.out, "release", "lambda.zip")
	require.NoError(t, os.WriteFile(zipPath, append(append([]byte{}, built...), 0), 0o644))
	code, log = p.script([]string{"RELEASE=" + id, asRole("deploy:product")}, "promote.sh")
	assert.Equal(t, 2, code, log)
	assert.Contains(t, log, "CodeSha256")
	var none struct {
		Releases []any `json:"releases"`
	}
	kirikaeJSON(t, p.dir, &none, "releases", "--stack", "product", "--sandbox")
	assert.Empty(t, none.Releases, "nothing changed in product")
	require.NoError(t, os.WriteFile(zipPath, built, 0o644))

	code, log = p.script([]string{"RELEASE=" + id, asRole("deploy:product")}, "promote.sh")
	require.Equal(t, 0, code, log)
	var rels struct {
		Releases []struct {
			Live     bool   `json:"live"`
			Verified string `json:"verified"`
		} `json:"releases"`
	}
	kirikaeJSON(t, p.dir, &rels, "releases", "--stack", "product", "--sandbox")
	require.NotEmpty(t, rels.Releases)
	assert.True(t, rels.Releases[0].Live)
	assert.Equal(t, "passed", rels.Releases[0].Verified, "product runs the function staging verified")
	acct, err := deploy.OpenSandboxAccount(p.dir, "staging")
	require.NoError(t, err)
	for _, role := range []string{"kirikae-preview", "kirikae-deploy-staging", "kirikae-deploy-product"} {
		has, err := acct.HasRole(role)
		require.NoError(t, err)
		assert.True(t, has, "the jobs ran as %s", role)
	}
}
