package cli_test

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
)

var saltLine = regexp.MustCompile(`(?m)^encryptionsalt: .*\n`)

// withProgramSources makes the project copy a whole checkout as far as Go
// is concerned: the program Pulumi.yaml names (cmd/pulumi-program) is
// built from the module's packages, which testproject.Copy leaves out.
// Symlinks keep it cheap; the go command follows them for imports.
func withProgramSources(t *testing.T, dir string) {
	t.Helper()
	root := testproject.Root(t)
	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if _, err := os.Lstat(filepath.Join(dir, e.Name())); err == nil {
			continue // copied (app, web, smoke)
		}
		require.NoError(t, os.Symlink(filepath.Join(root, e.Name()), filepath.Join(dir, e.Name())))
	}
}

// TestPlainPulumiInTheRepository runs a Pulumi user's habits on a deployed
// sandbox stack whose live release differs from the repo's stack file:
// with `sandbox env` evaluated while serve runs, a plain `pulumi preview`
// shows no changes (the program applies the live release values), a plain
// `pulumi up` is refused in one line naming kirikae up, and nothing live
// changed.
func TestPlainPulumiInTheRepository(t *testing.T) {
	dir := testproject.Copy(t)
	withProgramSources(t, dir)
	// The cached CLI gets its Go language host beside it (as `go run ./cmd
	// engine` does), unless KIRIKAE_PULUMI names a Pulumi install.
	_, err := deploy.EnsureCLI(t.Context(), deploy.CLIOptions{Explicit: os.Getenv("KIRIKAE_PULUMI"),
		ToolsDir: filepath.Join(testproject.Root(t), "tools", "pulumi")})
	require.NoError(t, err)

	r := kirikae(t, dir, "up", "--stack", "staging", "--sandbox")
	require.Equal(t, 0, r.code, r.stderr)
	// Live is now r2; the repo's stack file still says r1.
	r = kirikae(t, dir, "up", "--stack", "staging", "--sandbox", "--frontend-release", "r2")
	require.Equal(t, 0, r.code, r.stderr)
	b, _ := startServe(t, dir)
	release := func() string {
		resp, err := http.Get(b.URLs.FrontendURL + "/kirikae-release.json")
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(body)
	}
	require.Contains(t, release(), "r2")
	stackFile := readFile(t, filepath.Join(dir, "Pulumi.staging.yaml"))

	pulumi := func(args string) (string, error) {
		sh := exec.Command("bash", "-euc", `eval "$(kirikae sandbox env --stack staging)"; pulumi `+args)
		sh.Dir = dir
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "PULUMI_") && !strings.HasPrefix(kv, "PATH=") {
				sh.Env = append(sh.Env, kv)
			}
		}
		sh.Env = append(sh.Env, "PATH="+filepath.Dir(kirikaeBin(t))+":"+os.Getenv("PATH"), "NO_COLOR=1")
		out, err := sh.CombinedOutput()
		return string(out), err
	}

	out, err := pulumi("preview --stack staging --expect-no-changes")
	require.NoError(t, err, "plain pulumi preview must show no changes on a deployed stack:\n%s", out)

	out, err = pulumi("up --yes --stack staging")
	require.Error(t, err, "plain pulumi up must be refused:\n%s", out)
	assert.Regexp(t, "(?m)^.*error: .*pulumi up does not deploy kirikae stack staging .*; deploy with `kirikae up --stack staging --sandbox`$", out,
		"the refusal is one error line naming kirikae up")

	assert.Contains(t, release(), "r2", "the front door still serves the live release")
	// Pulumi writes the salt of the secrets manager it used into a stack
	// file that has none; with sandbox env's fallback that is the state's
	// own salt (the one kirikae's runs use), never a new one.
	after := string(readFile(t, filepath.Join(dir, "Pulumi.staging.yaml")))
	if salt := saltLine.FindString(after); salt != "" {
		assert.Contains(t, string(readFile(t, stateFile(t, dir))), strings.TrimSpace(strings.TrimPrefix(salt, "encryptionsalt:")),
			"the salt plain pulumi wrote is the state's")
		after = strings.Replace(after, salt, "", 1)
	}
	assert.Equal(t, string(stackFile), after, "plain pulumi leaves the repo's stack config as it was")
	r = kirikae(t, dir, "preview", "--stack", "staging", "--sandbox", "--expect-no-changes")
	assert.Equal(t, 0, r.code, "kirikae still sees the live release: %s%s", r.stdout, r.stderr)
}
