package pipeline

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeKirikae stands in for the CLI: it records each call's arguments and
// answers the few commands the scripts read from. What each command prints is
// what view/JSON.md documents.
const fakeKirikae = `#!/usr/bin/env bash
printf '%s\n' "$*" >>"$FAKE_LOG"
cmd=""
for a in "$@"; do case "$a" in --*) ;; *) cmd="$a"; break ;; esac; done
case "$cmd" in
  preview) echo "## preview of $*" ;;
  up) cat "$FAKE_UP_OUTPUT" ;;
  releases) cat "$FAKE_RELEASES" ;;
  promote) echo "promoted" ;;
  image)
    if [ -n "${FAKE_IMAGE_REFUSE:-}" ]; then echo "kirikae: image x was not built by this pipeline" >&2; exit 2; fi
    echo '{"found":true}' ;;
  drift) echo "drift report"; exit "${FAKE_DRIFT_EXIT:-0}" ;;
  config)
    case "$*" in
      *"get kirikae:frontendDir"*) echo "$FAKE_FRONTEND_DIR" ;;
      *"get kirikae:lambdaArtifact"*) echo "$FAKE_LAMBDA_ARTIFACT" ;;
      *"get kirikae:backend"*) echo "${FAKE_BACKEND:-ecs}" ;;
      *"platform"*"--json"*) echo '{"lambda":"arm64","ecs":"ARM64","goarch":"arm64","oci":"linux/arm64"}' ;;
      *"platform"*) echo "linux/arm64" ;;
    esac ;;
esac
`

type scriptRun struct {
	t      *testing.T
	dir    string
	out    string
	env    []string
	logged string
}

// newScriptRun prepares a CI_OUT, a fake kirikae and the runner files
// (GITHUB_STEP_SUMMARY, GITHUB_OUTPUT) in a temporary directory.
func newScriptRun(t *testing.T) *scriptRun {
	t.Helper()
	for _, tool := range []string{"bash", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "" {
				t.Skipf("%s not installed (needed by scripts/ci)", tool)
			}
			t.Fatalf("%s not installed: scripts/ci needs it", tool)
		}
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "kirikae")
	require.NoError(t, os.WriteFile(bin, []byte(fakeKirikae), 0o755))
	r := &scriptRun{t: t, dir: dir, out: filepath.Join(dir, "out")}
	r.env = append(os.Environ(),
		"CI_OUT="+r.out,
		"KIRIKAE_BIN="+bin,
		"KIRIKAE_CI_FLAGS=",
		"FAKE_LOG="+filepath.Join(dir, "calls.log"),
		"FAKE_UP_OUTPUT="+filepath.Join(dir, "up.jsonl"),
		"FAKE_RELEASES="+filepath.Join(dir, "releases.json"),
		"GITHUB_STEP_SUMMARY="+filepath.Join(dir, "summary.md"),
		"GITHUB_OUTPUT="+filepath.Join(dir, "output"),
		"RELEASE_TAG=abc123def456",
		// Where the stack files say the artifacts go (config get).
		"FAKE_FRONTEND_DIR="+filepath.Join(dir, "site"),
		"FAKE_LAMBDA_ARTIFACT="+filepath.Join(dir, "lambda", "fn.zip"),
	)
	return r
}

func (r *scriptRun) write(name, text string) {
	r.t.Helper()
	p := filepath.Join(r.dir, name)
	require.NoError(r.t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(r.t, os.WriteFile(p, []byte(text), 0o644))
}

func (r *scriptRun) read(name string) string {
	data, _ := os.ReadFile(filepath.Join(r.dir, name))
	return string(data)
}

// release puts build-artifacts.sh's output for tag into CI_OUT/release.
func (r *scriptRun) release(tag string) {
	r.write("out/release/RELEASE", tag+"\n")
	r.write("out/release/lambda.zip", "zip")
	r.write("out/release/web-dist/index.html", "<p>"+tag+"</p>")
}

// run runs a script and returns its exit code and combined output.
func (r *scriptRun) run(script string, extraEnv []string, args ...string) (int, string) {
	r.t.Helper()
	cmd := exec.Command(filepath.Join(repoRoot, "scripts", "ci", script), args...)
	cmd.Env = append(append([]string(nil), r.env...), extraEnv...)
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		require.True(r.t, ok, "run %s: %v", script, err)
		code = ee.ExitCode()
	}
	return code, string(out)
}

// calls lists the kirikae command lines the script ran, CI_OUT shown as OUT,
// leaving out the config reads (configReads lists those).
func (r *scriptRun) calls() []string {
	var out []string
	for _, l := range r.allCalls() {
		if !strings.HasPrefix(l, "config ") {
			out = append(out, l)
		}
	}
	return out
}

// configReads lists the `kirikae config` calls the script made.
func (r *scriptRun) configReads() []string {
	var out []string
	for _, l := range r.allCalls() {
		if strings.HasPrefix(l, "config ") {
			out = append(out, l)
		}
	}
	return out
}

func (r *scriptRun) allCalls() []string {
	text := strings.TrimSpace(strings.ReplaceAll(r.read("calls.log"), r.out, "OUT"))
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}

func TestPreviewScript(t *testing.T) {
	r := newScriptRun(t)
	code, out := r.run("preview.sh", []string{"KIRIKAE_CI_FLAGS=--sandbox"}, "staging", "product")
	require.Equal(t, 0, code, out)
	assert.Equal(t, []string{
		"--sandbox preview --stack staging --markdown --save-plan OUT/plans/staging.json",
		"--sandbox preview --stack product --markdown --save-plan OUT/plans/product.json",
	}, r.calls())
	md := r.read("out/preview.md")
	assert.Contains(t, md, "## preview of --sandbox preview --stack staging")
	assert.Contains(t, md, "## preview of --sandbox preview --stack product")
	assert.Equal(t, md, r.read("summary.md"), "the job summary is the comment")

	r = newScriptRun(t)
	code, out = r.run("preview.sh", []string{"WITH_RELEASE=1"}, "staging")
	require.Equal(t, 0, code, out)
	assert.Equal(t, []string{"preview --stack staging --markdown --image abc123def456 --frontend-release abc123def456 --save-plan OUT/plans/staging.json"}, r.calls())
	// The previewed release's artifacts are built and where the stack
	// reads them, as the deploy will have them.
	assert.Equal(t, "abc123def456\n", r.read("out/release/RELEASE"))
	assert.Equal(t, r.read("out/release/lambda.zip"), r.read("lambda/fn.zip"))
	assert.FileExists(t, filepath.Join(r.dir, "site", "index.html"))
}

func TestDeployStagingScript(t *testing.T) {
	t.Run("deploys the reviewed plan and outputs the release it recorded", func(t *testing.T) {
		r := newScriptRun(t)
		r.release("abc123def456")
		r.write("up.jsonl", `{"kind":"plan","stack":"staging","plan":"deploy"}
{"kind":"phase","time":"2025-03-01T10:00:00Z","message":"switch"}
{"kind":"deployed","stack":"staging","deploy":"deploy","release":{"id":7,"verified":"passed","imageTag":"abc123def456"}}
`)
		code, out := r.run("deploy-staging.sh", nil)
		require.Equal(t, 0, code, out)
		assert.Equal(t, []string{
			"image check abc123def456 --stack staging",
			"preview --stack staging --markdown --image abc123def456 --frontend-release abc123def456 --save-plan OUT/plans/staging.json",
			"up --stack staging --image abc123def456 --frontend-release abc123def456 --plan OUT/plans/staging.json --yes --json -m ci abc123def456",
		}, r.calls())
		assert.Equal(t, "release=7\n", r.read("output"))
		assert.Equal(t, "<p>abc123def456</p>", r.read("site/index.html"), "the frontend build is where the stack reads it")
		assert.Equal(t, "zip", r.read("lambda/fn.zip"), "the zip is where kirikae:lambdaArtifact names it")
		assert.Equal(t, []string{"config get kirikae:frontendDir --stack staging", "config get kirikae:lambdaArtifact --stack staging"}, r.configReads())
	})
	t.Run("a lambda stack whose artifact is no zip is refused", func(t *testing.T) {
		r := newScriptRun(t)
		r.release("abc123def456")
		code, out := r.run("deploy-staging.sh", []string{"FAKE_LAMBDA_ARTIFACT=app/lambda", "FAKE_BACKEND=lambda"})
		assert.Equal(t, 2, code, out)
		assert.Contains(t, out, "not a .zip")
		assert.Empty(t, r.calls(), "nothing deployed")
	})
	t.Run("nothing to change: the live verified release of this commit", func(t *testing.T) {
		r := newScriptRun(t)
		r.release("abc123def456")
		r.write("up.jsonl", `{"kind":"result","operation":"up","stack":"staging","hasChanges":false}`+"\n")
		r.write("releases.json", `{"stack":"staging","releases":[
  {"id":5,"live":true,"verified":"passed","imageTag":"abc123def456"},
  {"id":4,"verified":"passed","imageTag":"abc123def456"}]}`)
		code, out := r.run("deploy-staging.sh", nil)
		require.Equal(t, 0, code, out)
		assert.Equal(t, "releases --stack staging --json", r.calls()[3])
		assert.Equal(t, "release=5\n", r.read("output"))
	})
	t.Run("no verified release of this commit: nothing to promote", func(t *testing.T) {
		r := newScriptRun(t)
		r.release("abc123def456")
		r.write("up.jsonl", `{"kind":"result","operation":"up","stack":"staging","hasChanges":false}`+"\n")
		r.write("releases.json", `{"stack":"staging","releases":[{"id":5,"live":true,"verified":"passed","imageTag":"0ld0ld0ld0ld"}]}`)
		code, out := r.run("deploy-staging.sh", nil)
		assert.Equal(t, 1, code, out)
		assert.Contains(t, out, "not promoting")
		assert.Empty(t, r.read("output"))
	})
	t.Run("an image the build did not record is refused before anything deploys", func(t *testing.T) {
		r := newScriptRun(t)
		r.release("abc123def456")
		code, out := r.run("deploy-staging.sh", []string{"FAKE_IMAGE_REFUSE=1"})
		assert.Equal(t, 2, code, out)
		assert.Contains(t, out, "not built by this pipeline")
		assert.Equal(t, []string{"image check abc123def456 --stack staging"}, r.calls(), "no preview, no up")
	})
	t.Run("artifacts of another commit are refused before anything runs", func(t *testing.T) {
		r := newScriptRun(t)
		r.release("0ld0ld0ld0ld")
		code, out := r.run("deploy-staging.sh", nil)
		assert.Equal(t, 2, code, out)
		assert.Contains(t, out, "are for '0ld0ld0ld0ld', this run deploys 'abc123def456'")
		assert.Empty(t, r.calls())
	})
}

func TestPromoteScript(t *testing.T) {
	r := newScriptRun(t)
	r.release("abc123def456")
	code, out := r.run("promote.sh", []string{"RELEASE=7"})
	require.Equal(t, 0, code, out)
	assert.Equal(t, []string{"promote --from staging --to product --yes --release 7"}, r.calls())
	assert.Contains(t, r.configReads(), "config get kirikae:lambdaArtifact --stack product", "both stacks' artifact paths are filled")

	r = newScriptRun(t)
	r.release("abc123def456")
	code, out = r.run("promote.sh", []string{"RELEASE="})
	assert.Equal(t, 2, code, out)
	assert.Empty(t, r.calls(), "no promote without the staging release")
}

func TestDriftScript(t *testing.T) {
	for _, c := range []struct {
		exit    string
		code    int
		summary string
	}{
		{"0", 0, "### product: no drift"},
		{"3", 3, "### product: drift found"},
		{"1", 1, "### product: drift check failed (exit 1)"},
	} {
		r := newScriptRun(t)
		code, out := r.run("drift.sh", []string{"FAKE_DRIFT_EXIT=" + c.exit}, "product")
		assert.Equal(t, c.code, code, out)
		assert.Equal(t, []string{"drift --stack product"}, r.calls())
		assert.Contains(t, r.read("summary.md"), c.summary)
		assert.Contains(t, r.read("summary.md"), "drift report")
	}
}
