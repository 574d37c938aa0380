package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/testproject"
)

// The repro: frontendDir "." uploaded the whole project, .kirikae
// and .git included. config check now names the line and exits 2.
func TestConfigCheckRefusesPathsOutOfTheProject(t *testing.T) {
	dir := testproject.Copy(t)
	path := filepath.Join(dir, "Pulumi.staging.yaml")
	raw := readFile(t, path)
	require.Contains(t, string(raw), "kirikae:frontendDir: web/dist")
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(raw),
		"kirikae:frontendDir: web/dist", `kirikae:frontendDir: "."`, 1)), 0o644))

	r := kirikae(t, dir, "config", "check")
	assert.Equal(t, 2, r.code, r.stdout+r.stderr)
	assert.Regexp(t, `Pulumi\.staging\.yaml:\d+: kirikae:frontendDir: "\." is the project root itself`, r.stdout+r.stderr)
}

// The repro: refresh --sandbox with the team backend exported wrote
// simulated results into real state.
func TestSandboxWithExplicitBackendIsBadInput(t *testing.T) {
	dir := testproject.Copy(t)
	t.Setenv("KIRIKAE_BACKEND", "s3://team-state/kirikae")
	r := kirikae(t, dir, "refresh", "--stack", "staging", "--sandbox", "--yes")
	assert.Equal(t, 2, r.code, r.stdout+r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	last := lines[len(lines)-1]
	assert.Contains(t, last, "--sandbox refuses backend s3://team-state/kirikae")
	assert.Contains(t, last, "unset KIRIKAE_BACKEND")
	_, err := os.Stat(filepath.Join(dir, ".kirikae", "sandbox"))
	assert.True(t, os.IsNotExist(err), "nothing was opened")
}
