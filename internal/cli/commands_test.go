package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/testproject"
)

func runMain(args ...string) (int, string, string) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	code := Main(context.Background(), args, &IO{In: strings.NewReader(""), Out: out, ErrOut: errOut})
	return code, out.String(), errOut.String()
}

func TestConfigCheckOnRepoFiles(t *testing.T) {
	code, out, errOut := runMain("config", "check", "--cwd", testproject.Root(t), "--json")
	require.Equal(t, ExitOK, code, errOut)
	var rep struct {
		OK     bool `json:"ok"`
		Stacks []struct {
			Stack string `json:"stack"`
		} `json:"stacks"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.True(t, rep.OK)
	assert.Len(t, rep.Stacks, 2)
}

func TestConfigCheckReportsProblemsAndParity(t *testing.T) {
	dir := testproject.Copy(t)
	p := filepath.Join(dir, "Pulumi.staging.yaml")
	raw, err := os.ReadFile(p)
	require.NoError(t, err)
	raw = []byte(strings.Replace(string(raw), `kirikae:desiredCount: "1"`, `kirikae:desiredCount: "0"`, 1))
	raw = append(raw, []byte("  kirikae:imagTag: v2\n")...)
	require.NoError(t, os.WriteFile(p, raw, 0o644))

	code, out, _ := runMain("config", "check", "--cwd", dir)
	assert.Equal(t, ExitBadInput, code)
	assert.Contains(t, out, "kirikae:desiredCount")
	assert.Contains(t, out, "kirikae:imagTag")
	assert.Contains(t, out, "kirikae:imageTag", "the unknown key suggests the right one")
}

func TestNoCredentialsFailsFastNamingSandbox(t *testing.T) {
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"} {
		t.Setenv(v, "")
	}
	t.Setenv("HOME", t.TempDir())
	// Not on EC2 either (engine's tests cover the instance profile).
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	code, _, errOut := runMain("preview", "--stack", "staging", "--cwd", testproject.Copy(t))
	assert.Equal(t, ExitBadInput, code)
	assert.Contains(t, errOut, "no AWS credentials")
	assert.Contains(t, errOut, "--sandbox")
	assert.Equal(t, 1, strings.Count(strings.TrimSpace(errOut), "\n")+1, errOut)
}

func TestVersionJSON(t *testing.T) {
	code, out, errOut := runMain("version", "--json")
	require.Equal(t, ExitOK, code, errOut)
	var v map[string]string
	require.NoError(t, json.Unmarshal([]byte(out), &v))
	assert.Equal(t, "3.274.1", v["pulumi"])
	assert.Equal(t, "6.83.4", v["awsSdk"])
}

func TestHelpTeachesExitCodesAndSandbox(t *testing.T) {
	code, out, _ := runMain("--help")
	require.Equal(t, ExitOK, code)
	assert.Contains(t, out, "go run ./cmd up --stack staging --sandbox")
	assert.Contains(t, out, "3  preview --expect-no-changes")
	code, out, _ = runMain("up", "--help")
	require.Equal(t, ExitOK, code)
	assert.Contains(t, out, "never written to Pulumi.<stack>.yaml")
	assert.Contains(t, out, "--yes")
}

// Under the empty passphrase a `secure:` value protects nothing: config check
// says to move it to SSM and reference it; references pass.
func TestConfigCheckRefusesSecureValuesUnderTheEmptyPassphrase(t *testing.T) {
	dir := testproject.Copy(t)
	p := filepath.Join(dir, "Pulumi.staging.yaml")
	raw, err := os.ReadFile(p)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p, append(raw, []byte("  kirikae:slackWebhookUrl:\n    secure: v1:AAAAAAAAAAAAAAAA:BBBBBBBBBBBBBBBBBBBBBBBB\n")...), 0o644))
	for _, q := range []string{"Pulumi.product.yaml"} {
		raw, err := os.ReadFile(filepath.Join(dir, q))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, q), append(raw, []byte("  kirikae:slackWebhookUrl: ssm:/team/product/slack\n")...), 0o644))
	}
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", "")
	code, out, _ := runMain("config", "check", "--cwd", dir)
	assert.Equal(t, ExitBadInput, code, out)
	assert.Contains(t, out, "kirikae:slackWebhookUrl: is encrypted with the empty passphrase")
	assert.NotContains(t, out, "Pulumi.product.yaml:", "a reference is fine")

	t.Setenv("PULUMI_CONFIG_PASSPHRASE", "a-real-one")
	code, out, _ = runMain("config", "check", "--cwd", dir)
	assert.Equal(t, 0, code, out)
}
