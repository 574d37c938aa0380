package engine

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	require.NoError(t, err)
	return st.Mode().Perm()
}

// The repro: with PULUMI_CONFIG_PASSPHRASE set, .kirikae was 0755.
func TestStateDirIsPrivateWhateverThePassphraseSource(t *testing.T) {
	for _, env := range []string{"", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"} {
		t.Run("env="+env, func(t *testing.T) {
			unsetenv(t, "PULUMI_CONFIG_PASSPHRASE") // set to "" is the empty passphrase
			t.Setenv("PULUMI_CONFIG_PASSPHRASE_FILE", "")
			switch env {
			case "PULUMI_CONFIG_PASSPHRASE":
				t.Setenv(env, "from-env")
			case "PULUMI_CONFIG_PASSPHRASE_FILE":
				f := filepath.Join(t.TempDir(), "pp")
				require.NoError(t, os.WriteFile(f, []byte("x"), 0o600))
				t.Setenv(env, f)
			}
			p := PathsFor(t.TempDir(), false)
			// An older kirikae left the dir world-readable.
			require.NoError(t, os.Mkdir(p.Root, 0o755))
			require.NoError(t, os.Chmod(p.Root, 0o755))
			_, err := passphraseEnv(p)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o700), mode(t, p.Root))
			if env == "" {
				assert.Equal(t, os.FileMode(0o600), mode(t, p.Passphrase))
			}
			// Files created afterwards (by kirikae or the Pulumi processes it
			// starts, which inherit the umask) are owner-only.
			f := filepath.Join(p.Root, "later")
			require.NoError(t, os.WriteFile(f, []byte("x"), 0o644))
			assert.Equal(t, os.FileMode(0o600), mode(t, f))
		})
	}
}

func TestReadablePassphraseFileIsRefused(t *testing.T) {
	unsetenv(t, "PULUMI_CONFIG_PASSPHRASE")
	t.Setenv("PULUMI_CONFIG_PASSPHRASE_FILE", "")
	p := PathsFor(t.TempDir(), false)
	require.NoError(t, os.MkdirAll(p.Root, 0o700))
	require.NoError(t, os.WriteFile(p.Passphrase, []byte("pw"), 0o600))
	require.NoError(t, os.Chmod(p.Passphrase, 0o644))
	_, err := passphraseEnv(p)
	var pfe *PassphraseFileError
	require.True(t, errors.As(err, &pfe), "got %v", err)
	var bad BadInput
	assert.True(t, errors.As(err, &bad))
	assert.Equal(t, "run `chmod 600 "+p.Passphrase+"`, then retry", pfe.Hint())
	assert.Contains(t, err.Error(), "mode 0644")

	own := filepath.Join(t.TempDir(), "pp")
	require.NoError(t, os.WriteFile(own, []byte("pw"), 0o600))
	require.NoError(t, os.Chmod(own, 0o640))
	t.Setenv("PULUMI_CONFIG_PASSPHRASE_FILE", own)
	_, err = passphraseEnv(p)
	assert.True(t, errors.As(err, &pfe), "the user's own PULUMI_CONFIG_PASSPHRASE_FILE is checked too: %v", err)
}

// unsetenv removes k for the test (t.Setenv restores it afterwards).
func unsetenv(t *testing.T, k string) {
	t.Helper()
	t.Setenv(k, "")
	require.NoError(t, os.Unsetenv(k))
}

// PULUMI_CONFIG_PASSPHRASE set to "" is the empty passphrase, which the
// pipeline's stacks use on purpose: no passphrase file is generated.
func TestTheEmptyPassphraseIsHonoured(t *testing.T) {
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", "")
	t.Setenv("PULUMI_CONFIG_PASSPHRASE_FILE", "")
	p := PathsFor(t.TempDir(), false)
	env, err := passphraseEnv(p)
	require.NoError(t, err)
	assert.Empty(t, env, "the process environment's empty passphrase is passed through")
	_, err = os.Stat(p.Passphrase)
	assert.True(t, os.IsNotExist(err))
}
