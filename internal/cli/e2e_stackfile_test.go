package cli_test

import (
	"context"
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

// The repro: a Pulumi user runs `pulumi stack init staging` in the
// project (their own backend, their own passphrase), which writes an
// encryptionsalt line into Pulumi.staging.yaml. kirikae then names that
// line and what to do in one line (exit 2), --json carries the same cause,
// no hint repeats the failing command, and once the file is restored (git
// checkout) kirikae works again: no salt outlives it in .kirikae/.
func TestSaltedStackFileIsNamed(t *testing.T) {
	opts := testproject.CLI(t)
	cli, err := deploy.EnsureCLI(context.Background(), opts)
	require.NoError(t, err)
	dir := testproject.Copy(t)
	r := kirikae(t, dir, "up", "--stack", "staging", "--sandbox")
	require.Equal(t, 0, r.code, r.stderr)

	file := filepath.Join(dir, "Pulumi.staging.yaml")
	original := readFile(t, file)
	own := t.TempDir()
	init := exec.Command(cli.Path, "stack", "init", "staging", "--non-interactive")
	init.Dir = dir
	init.Env = append(os.Environ(), "PULUMI_BACKEND_URL=file://"+own, "PULUMI_HOME="+filepath.Join(own, "home"),
		"PULUMI_CONFIG_PASSPHRASE=my-own-passphrase", "PULUMI_SKIP_UPDATE_CHECK=true")
	out, err := init.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(readFile(t, file)), "encryptionsalt:", "pulumi stack init wrote no salt")

	r = kirikae(t, dir, "preview", "--stack", "staging", "--sandbox")
	assert.Equal(t, 2, r.code, r.stderr)
	line := errorLine(t, r.stderr)
	assert.Contains(t, line, "Pulumi.staging.yaml's encryptionsalt line was made with another passphrase")
	assert.Contains(t, line, "incorrect passphrase")
	assert.Contains(t, line, "delete the encryptionsalt line")
	assert.NotContains(t, line, "kirikae preview", "never a hint that repeats the failing command")

	r = kirikae(t, dir, "preview", "--stack", "staging", "--sandbox", "--json")
	assert.Equal(t, 2, r.code, r.stderr)
	assert.Contains(t, r.stdout+r.stderr, "encryptionsalt line was made with another passphrase")

	r = kirikae(t, dir, "preview", "--stack", "staging", "--sandbox", "--verbose")
	assert.Equal(t, 2, r.code, r.stderr)
	assert.Contains(t, r.stderr, "error: ", "--verbose streams the engine's own stderr")

	require.NoError(t, os.WriteFile(file, original, 0o644)) // git checkout
	r = kirikae(t, dir, "preview", "--stack", "staging", "--sandbox", "--json")
	require.Equal(t, 0, r.code, "a stale salt outlived the stack file: %s", r.stderr)
	var res map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &res), r.stdout)
	assert.Equal(t, false, res["hasChanges"])
}

// errorLine is the one "kirikae: …" line of stderr (the sandbox notice
// may come before it).
func errorLine(t *testing.T, stderr string) string {
	t.Helper()
	var found []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "kirikae: ") {
			found = append(found, l)
		}
	}
	require.Len(t, found, 1, "one error line: %s", stderr)
	return found[0]
}
