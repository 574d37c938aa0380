package cli_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/sandbox"
)

// The end-to-end tests build the kirikae binary and run it as a user would,
// against the sandbox and the real Pulumi CLI.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func kirikaeBin(t testing.TB) string {
	t.Helper()
	testproject.CLI(t) // skip (or fail in CI) without the engine
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kirikae-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "kirikae")
		out, err := exec.Command("go", "build", "-o", binPath, filepath.Join(testproject.Root(t), "cmd")).CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

type run struct {
	code           int
	stdout, stderr string
}

func kirikae(t *testing.T, dir string, args ...string) run {
	t.Helper()
	cmd := exec.Command(kirikaeBin(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return run{code: code, stdout: out.String(), stderr: errOut.String()}
}

// kirikaeJSON runs a --json command that must succeed and decodes its
// stdout into v.
func kirikaeJSON(t *testing.T, dir string, v any, args ...string) {
	t.Helper()
	r := kirikae(t, dir, append(args, "--json")...)
	require.Equal(t, 0, r.code, r.stderr)
	require.NoError(t, json.Unmarshal([]byte(r.stdout), v), r.stdout)
}

func stateFile(t *testing.T, dir string) string {
	t.Helper()
	var found string
	_ = filepath.WalkDir(deploy.PathsFor(dir, true).Backend, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(p) == "staging.json" && strings.Contains(p, "stacks") {
			found = p
		}
		return nil
	})
	require.NotEmpty(t, found, "no state file for staging")
	return found
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}

func TestEndToEnd(t *testing.T) {
	dir := testproject.Copy(t)

	r := kirikae(t, dir, "up", "--stack", "staging", "--sandbox")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "sandbox: simulated AWS")
	assert.Contains(t, r.stdout, "Deployed image v1, frontend r1 to staging")
	assert.Contains(t, r.stdout, "verification passed")

	r = kirikae(t, dir, "preview", "--stack", "staging", "--sandbox", "--expect-no-changes")
	assert.Equal(t, 0, r.code, r.stderr)

	var outs struct {
		Stack   string                    `json:"stack"`
		Outputs map[string]map[string]any `json:"outputs"`
	}
	kirikaeJSON(t, dir, &outs, "outputs", "--stack", "staging", "--sandbox")
	assert.Equal(t, "v1", outs.Outputs["imageTag"]["value"])
	assert.Contains(t, outs.Outputs["url"]["value"], "elb.amazonaws.com")

	var st struct {
		Stacks []struct {
			Name      string `json:"name"`
			Deployed  bool   `json:"deployed"`
			Result    string `json:"result"`
			ImageTag  string `json:"imageTag"`
			Resources int    `json:"resources"`
		} `json:"stacks"`
	}
	kirikaeJSON(t, dir, &st, "stacks", "--sandbox")
	require.Len(t, st.Stacks, 2)
	assert.Equal(t, "product", st.Stacks[0].Name)
	assert.False(t, st.Stacks[0].Deployed)
	assert.Equal(t, "staging", st.Stacks[1].Name)
	assert.True(t, st.Stacks[1].Deployed)
	assert.Equal(t, "succeeded", st.Stacks[1].Result)
	assert.Equal(t, "v1", st.Stacks[1].ImageTag)
	assert.Greater(t, st.Stacks[1].Resources, 30)

	state := stateFile(t, dir)
	before := readFile(t, state)

	var hist struct {
		Updates []struct {
			Version int    `json:"version"`
			Result  string `json:"result"`
		} `json:"updates"`
	}
	kirikaeJSON(t, dir, &hist, "history", "--stack", "staging", "--sandbox")
	require.Len(t, hist.Updates, 2, "a first deploy creates the image repository, then everything else")
	assert.Equal(t, "succeeded", hist.Updates[0].Result)

	r = kirikae(t, dir, "up", "--stack", "prod", "--sandbox")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, `unknown stack "prod"`)
	assert.Contains(t, r.stderr, "product, staging")
	assert.Equal(t, 1, strings.Count(strings.TrimSpace(r.stderr), "\n")+1, "one line: %q", r.stderr)

	r = kirikae(t, dir, "up", "--stack", "staging", "--sandbox", "--image", "v2:bad tag")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "kirikae:imageTag")
	assert.Contains(t, r.stderr, "v2:bad tag")

	r = kirikae(t, dir, "up", "--stack", "product", "--sandbox")
	assert.Equal(t, 2, r.code, "product never applies without --yes off a terminal")
	assert.Contains(t, r.stderr, "--yes")

	assert.Equal(t, before, readFile(t, state), "failed commands leave the state untouched")

	r = kirikae(t, dir, "preview", "--stack", "staging", "--sandbox", "--image", "v2", "--expect-no-changes")
	assert.Equal(t, 3, r.code, "changes found")
}

func TestConcurrentUpIsRefused(t *testing.T) {
	dir := testproject.Copy(t)
	acct, err := deploy.OpenSandboxAccount(dir, "staging")
	require.NoError(t, err)
	// Slow the first up down so the second one overlaps it.
	require.NoError(t, acct.InjectFault(sandbox.Fault{Op: "create", Type: "aws:ecs/cluster:Cluster", Delay: 4 * time.Second}))

	first := exec.Command(kirikaeBin(t), "up", "--stack", "staging", "--sandbox")
	first.Dir = dir
	var firstErr bytes.Buffer
	first.Stderr = &firstErr
	require.NoError(t, first.Start())

	// kirikae's deploy lock is an object in the backend, beside the state.
	lock := filepath.Join(deploy.PathsFor(dir, true).Backend, ".kirikae", "locks", testproject.Project(t, dir), "staging.json")
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(lock)
		return err == nil && len(b) > 0
	}, 30*time.Second, 50*time.Millisecond, "first up never took the lock")

	second := kirikae(t, dir, "up", "--stack", "staging", "--sandbox")
	assert.Equal(t, 1, second.code)
	assert.Contains(t, second.stderr, "being updated by another process")
	assert.Contains(t, second.stderr, "pid")
	assert.Contains(t, second.stderr, "since")

	require.NoError(t, first.Wait(), firstErr.String())
	var hist struct {
		Updates []struct{ Result string } `json:"updates"`
	}
	kirikaeJSON(t, dir, &hist, "history", "--stack", "staging", "--sandbox")
	require.Len(t, hist.Updates, 2, "the first up's two updates (its image repository, then everything); the refused up added none")
	assert.Equal(t, "succeeded", hist.Updates[0].Result, "the running update is unharmed")
}
