package engine

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What the SDK returns when the CLI exits 1: its own words first, the
// CLI's stderr after "stderr: ".
func sdkError(stderr string) error {
	return errors.New("failed to run preview: exit status 1\ncode: 1\nstdout: \nstderr: " + stderr + "\n")
}

func TestOperationErrorNamesTheEnginesOwnError(t *testing.T) {
	for _, stderr := range []string{
		"error: constructing secrets manager of type \"passphrase\": incorrect passphrase",
		"error: could not find plugin for language go",
		"warning: x\nerror: the language host exited unexpectedly: exit status 2",
	} {
		err := &OperationError{Op: "preview", Stack: "staging", Err: sdkError(stderr)}
		want := stderr[strings.LastIndex(stderr, "error: ")+len("error: "):]
		assert.Equal(t, "preview staging failed: "+want, err.Error())
	}
}

func TestOperationErrorHintNeverRepeatsTheFailingCommand(t *testing.T) {
	inv := Invocation{Stack: "staging", Sandbox: true}
	for _, op := range []string{"preview", "drift"} {
		hint := (&OperationError{Op: op, Stack: "staging", Err: sdkError("error: x")}).Hint(inv)
		assert.NotContains(t, hint, "kirikae "+op, op)
		assert.Contains(t, hint, "--verbose")
	}
	hint := (&OperationError{Op: "up", Stack: "staging", Err: sdkError("error: x")}).Hint(inv)
	assert.NotContains(t, hint, "kirikae up")
}

func writeStack(t *testing.T, dir, body string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.staging.yaml"), []byte(body), 0o644))
}

func TestIncorrectPassphraseNamesTheStackFilesSalt(t *testing.T) {
	t.Setenv("PULUMI_CONFIG_PASSPHRASE_FILE", "")
	os.Unsetenv("PULUMI_CONFIG_PASSPHRASE")
	dir := t.TempDir()
	s := &Session{opts: Options{Stack: "staging", ProjectDir: dir}}
	engineErr := &OperationError{Op: "preview", Stack: "staging",
		Err: sdkError("error: getting secrets manager: incorrect passphrase")}

	writeStack(t, dir, "encryptionsalt: v1:abc:def\nconfig:\n  aws:region: us-east-1\n")
	err := s.passphraseCause(engineErr)
	var sf *StackFileError
	require.ErrorAs(t, err, &sf)
	assert.Equal(t, "encryptionsalt", sf.Key)
	assert.Contains(t, err.Error(), "Pulumi.staging.yaml's encryptionsalt line was made with another passphrase")
	assert.Contains(t, sf.Hint(Invocation{}), "delete the encryptionsalt line from Pulumi.staging.yaml")
	assert.True(t, sf.BadInput())
	assert.NotContains(t, err.Error(), "\n")

	writeStack(t, dir, "config:\n  aws:region: us-east-1\n")
	err = s.passphraseCause(engineErr)
	require.ErrorAs(t, err, &sf)
	assert.Contains(t, err.Error(), "created with another passphrase")

	other := errors.New("boom")
	assert.Same(t, other, s.passphraseCause(other))
}

func TestAnotherSecretsProviderIsRefusedBeforeTheEngine(t *testing.T) {
	err := checkSecretsLines("staging", "Pulumi.staging.yaml", map[string]any{"secretsprovider": "awskms://alias/x", "encryptedkey": "zzz"})
	var sf *StackFileError
	require.ErrorAs(t, err, &sf)
	assert.Equal(t, "open stack staging: Pulumi.staging.yaml's secretsprovider line names secrets provider awskms://alias/x; kirikae's stacks use the passphrase provider", err.Error())
	assert.NoError(t, checkSecretsLines("staging", "Pulumi.staging.yaml", map[string]any{"secretsprovider": "passphrase"}))
	assert.NoError(t, checkSecretsLines("staging", "Pulumi.staging.yaml", map[string]any{}))
}

// A salt copied into the work dir by a run on a salted stack file must not
// outlive that file: the state's salt wins.
func TestSaltComesFromTheStateBeforeTheWorkCopy(t *testing.T) {
	state := t.TempDir()
	stacksDir := filepath.Join(state, ".pulumi", "stacks", "kirikae")
	require.NoError(t, os.MkdirAll(stacksDir, 0o700))
	work := filepath.Join(t.TempDir(), "Pulumi.staging.yaml")
	require.NoError(t, os.WriteFile(work, []byte("encryptionsalt: v1:stale:salt\n"), 0o600))

	assert.Equal(t, "v1:stale:salt", saltFor(t.Context(), dirFiles(t, state), "kirikae", "staging", work), "no state yet: the work copy's")

	checkpoint := `{"version":3,"checkpoint":{"stack":"organization/kirikae/staging","latest":{"manifest":{"time":"2026-01-01T00:00:00Z","magic":"","version":""},"secrets_providers":{"type":"passphrase","state":{"salt":"v1:good:salt"}}}}}`
	require.NoError(t, os.WriteFile(filepath.Join(stacksDir, "staging.json"), []byte(checkpoint), 0o600))
	assert.Equal(t, "v1:good:salt", saltFor(t.Context(), dirFiles(t, state), "kirikae", "staging", work))
}
