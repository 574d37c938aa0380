package deploy_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/notify"
	"github.com/kirikae/kirikae/stacks"
)

// setPlain sets plain-text config values in a stack file.
func setPlain(t *testing.T, dir, stack string, values map[string]string) {
	t.Helper()
	path := filepath.Join(dir, stacks.FileName(stack))
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	doc := map[string]any{}
	require.NoError(t, yaml.Unmarshal(raw, &doc))
	cfg := doc["config"].(map[string]any)
	for k, v := range values {
		cfg[k] = v
	}
	out, err := yaml.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, out, 0o644))
}

// A stack that keeps its notification credentials in Parameter Store holds
// nothing a passphrase must protect: it runs with the empty passphrase (what
// the pull-request and drift jobs use, having no secret), and the deploy
// reads the webhook URL and its signing secret from SSM with its own
// credentials.
func TestSecretsByReferenceNeedNoPassphrase(t *testing.T) {
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", "")
	var mu sync.Mutex
	var kinds []string
	const secret = "signed-from-ssm"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := notify.Verify(secret, body, r.Header); err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		mu.Lock()
		kinds = append(kinds, r.URL.Path)
		mu.Unlock()
	}))
	defer srv.Close()

	dir := testproject.Copy(t)
	setPlain(t, dir, "staging", map[string]string{
		stacks.KeyWebhookURL:    "ssm:/kirikae/staging/webhook-url",
		stacks.KeyWebhookSecret: "ssm:/kirikae/staging/webhook-secret",
	})
	acct, err := deploy.OpenSandboxAccount(dir, "staging")
	require.NoError(t, err)
	require.NoError(t, acct.PutParameter("/kirikae/staging/webhook-url", "SecureString", srv.URL+"/hook", false))
	require.NoError(t, acct.PutParameter("/kirikae/staging/webhook-secret", "SecureString", secret, false))

	s := openDeploy(t, dir, "staging", nil)
	deploy.SetNotifyTune(s, func(d *notify.Dispatcher) {
		d.Deadline, d.BackoffBase, d.BackoffMax = 500*time.Millisecond, 10*time.Millisecond, 20*time.Millisecond
	})
	deployImage(t, s, "v1")
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"/hook", "/hook"}, kinds, "started and succeeded, signed with the secret read from SSM")
	_, err = os.Stat(deploy.PathsFor(dir, true).Passphrase)
	assert.True(t, os.IsNotExist(err), "the empty passphrase was used, no generated one")
}
