package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/testproject"
)

// config check names each bad smoke check on its own line, exits 2 and
// changes nothing; staging and product must check the same way.
func TestConfigCheckValidatesSmokeChecks(t *testing.T) {
	dir := testproject.Copy(t)
	write := func(stack, text string) []byte {
		p := filepath.Join(dir, "Pulumi."+stack+".yaml")
		raw, err := os.ReadFile(p)
		require.NoError(t, err)
		raw = append(raw, []byte(text)...)
		require.NoError(t, os.WriteFile(p, raw, 0o644))
		return raw
	}
	good := "  kirikae:smokeChecks:\n    - GET /api/hello 200 hello\n"
	before := write("staging", "  kirikae:smokeChecks:\n    - GET /api/hello 200 hello\n    - FETCH /api/hello 200\n    - GET /api/hello 2OO\n")
	write("product", good)
	lines := strings.Count(string(before), "\n") // the last entry's line

	code, out, _ := runMain("config", "check", "--cwd", dir)
	assert.Equal(t, ExitBadInput, code, out)
	assert.Contains(t, out, filepath.Join(dir, "Pulumi.staging.yaml")+":"+strconv.Itoa(lines-1)+`: kirikae:smokeChecks: "FETCH /api/hello 200" has method "FETCH"`)
	assert.Contains(t, out, filepath.Join(dir, "Pulumi.staging.yaml")+":"+strconv.Itoa(lines)+`: kirikae:smokeChecks: "GET /api/hello 2OO" has status "2OO"`)
	after, err := os.ReadFile(filepath.Join(dir, "Pulumi.staging.yaml"))
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after), "nothing changed")

	// Valid entries, but product checks less than staging: parity.
	dir = testproject.Copy(t)
	write("staging", good)
	write("product", "  kirikae:smokeChecks:\n    - GET /healthz 200\n")
	code, out, _ = runMain("config", "check", "--cwd", dir)
	assert.Equal(t, ExitBadInput, code, out)
	assert.Contains(t, out, "kirikae:smokeChecks differs from")

	dir = testproject.Copy(t)
	write("staging", good)
	write("product", good)
	code, out, _ = runMain("config", "check", "--cwd", dir)
	assert.Equal(t, ExitOK, code, out)
}
