package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/testproject"
)

// The pipeline reads what it builds from the stack file: the zip path and
// the CPU platform (scripts/ci).
func TestConfigGetPrintsTheValueKirikaeReads(t *testing.T) {
	dir := testproject.Copy(t)
	code, out, errOut := runMain("config", "get", "kirikae:lambdaArtifact", "--stack", "staging", "--cwd", dir)
	require.Equal(t, ExitOK, code, errOut)
	assert.Equal(t, "dist/lambda.zip\n", out)
	code, out, _ = runMain("config", "get", "kirikae:alertEmails", "--stack", "product", "--cwd", dir)
	require.Equal(t, ExitOK, code)
	assert.Equal(t, "oncall@example.com\ndev-alerts@example.com\n", out, "a list: one item a line")

	code, _, errOut = runMain("config", "get", "kirikae:lambdaArtefact", "--stack", "staging", "--cwd", dir)
	assert.Equal(t, ExitBadInput, code)
	assert.Contains(t, errOut, "kirikae config keys")
	code, _, errOut = runMain("config", "get", "kirikae:webhookUrl", "--stack", "staging", "--cwd", dir)
	assert.Equal(t, ExitBadInput, code)
	assert.Contains(t, errOut, "secret")
}

func TestConfigPlatformFollowsCPUArchitecture(t *testing.T) {
	dir := testproject.Copy(t)
	code, out, errOut := runMain("config", "platform", "--stack", "staging", "--cwd", dir)
	require.Equal(t, ExitOK, code, errOut)
	assert.Equal(t, "linux/arm64\n", out)

	for _, s := range []string{"staging", "product"} {
		p := filepath.Join(dir, "Pulumi."+s+".yaml")
		raw, err := os.ReadFile(p)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(raw),
			"kirikae:cpuArchitecture: arm64", "kirikae:cpuArchitecture: x86_64", 1)), 0o644))
	}
	code, out, errOut = runMain("config", "platform", "--stack", "staging", "--cwd", dir, "--json")
	require.Equal(t, ExitOK, code, errOut)
	assert.JSONEq(t, `{"lambda":"x86_64","ecs":"X86_64","goarch":"amd64","oci":"linux/amd64"}`, out)

	// A value no platform has: exit 2, the key's line says what to use.
	p := filepath.Join(dir, "Pulumi.staging.yaml")
	raw, err := os.ReadFile(p)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(raw),
		"kirikae:cpuArchitecture: x86_64", "kirikae:cpuArchitecture: amd64", 1)), 0o644))
	code, _, errOut = runMain("config", "platform", "--stack", "staging", "--cwd", dir)
	assert.Equal(t, ExitBadInput, code)
	assert.Contains(t, errOut, `kirikae:cpuArchitecture: "amd64" is not allowed; use one of: arm64, x86_64`)
}
