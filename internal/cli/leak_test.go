package cli_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

// plantSecrets encrypts a known value into every secret key of both stack
// files the way `pulumi config set --secret` does (passphrase provider:
// encryptionsalt + secure: ciphertext) and returns the plaintexts (and their
// distinctive parts) that must never appear anywhere kirikae writes.
func plantSecrets(t *testing.T, dir, passphrase string) []string {
	t.Helper()
	salt := make([]byte, 8)
	_, err := rand.Read(salt)
	require.NoError(t, err)
	crypter := config.NewSymmetricCrypterFromPassphrase(passphrase, salt)
	ctx := context.Background()
	check, err := crypter.EncryptValue(ctx, "pulumi")
	require.NoError(t, err)
	encryptionSalt := fmt.Sprintf("v1:%s:%s", base64.StdEncoding.EncodeToString(salt), check)

	var planted []string
	values := map[string]string{}
	for _, key := range stacks.SecretKeys() {
		token := "LEAKTOKEN" + randHex(t)
		password := "LEAKPASS" + randHex(t)
		value := fmt.Sprintf("https://leakuser:%s@hooks.example.com/services/%s", password, token)
		values[key] = value
		planted = append(planted, value, token, password)
	}
	for _, stack := range []string{"staging", "product"} {
		path := filepath.Join(dir, stacks.FileName(stack))
		doc := map[string]any{}
		require.NoError(t, yaml.Unmarshal(readFile(t, path), &doc))
		cfg := doc["config"].(map[string]any)
		for key, value := range values {
			ct, err := crypter.EncryptValue(ctx, value)
			require.NoError(t, err)
			cfg[key] = map[string]any{"secure": ct}
		}
		doc["encryptionsalt"] = encryptionSalt
		out, err := yaml.Marshal(doc)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, out, 0o644))
	}
	return append(planted, passphrase)
}

func randHex(t *testing.T) string {
	b := make([]byte, 6)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

// The repro: kirikae:webhookUrl with a password and token appeared
// in full in `preview --markdown` and in state. Every secret key gets a
// known value; nothing kirikae prints, and no file under .kirikae (state,
// history, backups, work dirs, locks, Pulumi's logs) may contain it; only
// the simulated AWS account, which stands for AWS itself, knows the
// plaintext. State holds only the ciphertext.
func TestSecretsNeverLeak(t *testing.T) {
	dir := testproject.Copy(t)
	passphrase := "leak-scan-passphrase-" + randHex(t)
	planted := plantSecrets(t, dir, passphrase)
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", passphrase)
	t.Setenv("PULUMI_CONFIG_PASSPHRASE_FILE", "")

	var printed []string
	for _, args := range [][]string{
		{"config", "check"},
		{"preview", "--stack", "staging", "--sandbox", "--markdown", "--diff"},
		{"preview", "--stack", "staging", "--sandbox", "--json"},
		{"up", "--stack", "staging", "--sandbox", "--yes"},
		{"up", "--stack", "staging", "--sandbox", "--yes", "--json"},
		{"outputs", "--stack", "staging", "--sandbox", "--json"},
		{"releases", "--stack", "staging", "--sandbox"},
		{"history", "--stack", "staging", "--sandbox", "--json"},
	} {
		r := kirikae(t, dir, args...)
		require.Equal(t, 0, r.code, "%v: %s", args, r.stderr)
		printed = append(printed, fmt.Sprintf("%v stdout", args), r.stdout, fmt.Sprintf("%v stderr", args), r.stderr)
	}
	for i := 0; i < len(printed); i += 2 {
		for _, p := range planted {
			assert.NotContains(t, printed[i+1], p, "%s leaks a planted secret", printed[i])
		}
	}

	paths := deploy.PathsFor(dir, true)
	root := paths.Root
	files := 0
	require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		info, err := d.Info()
		require.NoError(t, err)
		// Private by default: nothing under .kirikae is readable by others.
		assert.Zero(t, info.Mode().Perm()&0o077, "%s is mode %04o", path, info.Mode().Perm())
		if !info.Mode().IsRegular() {
			return nil
		}
		// The simulated AWS account is AWS's side: like real SNS it keeps
		// the subscription endpoint it delivers to. It is still 0600 above.
		if strings.HasPrefix(path, paths.Account+string(filepath.Separator)) {
			return nil
		}
		files++
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		for _, p := range planted {
			if strings.Contains(string(raw), p) {
				t.Errorf("%s contains the planted secret %q", path, p)
			}
		}
		return nil
	}))
	assert.Greater(t, files, 10, "the scan must have seen the state, history and logs")
}
