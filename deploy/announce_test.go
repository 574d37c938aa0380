package deploy_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/notify"
	"github.com/kirikae/kirikae/stacks"
)

// setSecrets encrypts values into the stack file the way
// `pulumi config set --secret` does with the passphrase provider, and
// makes that passphrase the project's.
func setSecrets(t *testing.T, dir, stack string, values map[string]string) {
	t.Helper()
	const passphrase = "announce-test-passphrase"
	paths := deploy.PathsFor(dir, true)
	require.NoError(t, os.MkdirAll(paths.Root, 0o700))
	require.NoError(t, os.WriteFile(paths.Passphrase, []byte(passphrase), 0o600))
	salt := []byte("saltsalt")
	crypter := config.NewSymmetricCrypterFromPassphrase(passphrase, salt)
	ctx := context.Background()
	check, err := crypter.EncryptValue(ctx, "pulumi")
	require.NoError(t, err)
	path := filepath.Join(dir, stacks.FileName(stack))
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	doc := map[string]any{}
	require.NoError(t, yaml.Unmarshal(raw, &doc))
	cfg := doc["config"].(map[string]any)
	for k, v := range values {
		ct, err := crypter.EncryptValue(ctx, v)
		require.NoError(t, err)
		cfg[k] = map[string]any{"secure": ct}
	}
	doc["encryptionsalt"] = fmt.Sprintf("v1:%s:%s", base64.StdEncoding.EncodeToString(salt), check)
	out, err := yaml.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, out, 0o644))
}

// Deploys announce themselves to the stack's webhook, signed with its
// secret; a dead webhook never fails a deploy, it is a warning and a
// journal note.
func TestDeploysAreAnnouncedAndADeadWebhookIsOnlyAWarning(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var kinds []string
	failing := false
	const secret = "sign-me"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if failing {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		if err := notify.Verify(secret, body, r.Header); err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var doc struct {
			Kind            string `json:"kind"`
			Stack           string `json:"stack"`
			RollbackCommand string `json:"rollback_command"`
		}
		_ = json.Unmarshal(body, &doc)
		kinds = append(kinds, doc.Kind+" "+doc.Stack+" "+doc.RollbackCommand)
	}))
	defer srv.Close()

	dir := testproject.Copy(t)
	setSecrets(t, dir, "staging", map[string]string{stacks.KeyWebhookURL: srv.URL + "/hook", stacks.KeyWebhookSecret: secret})
	var phases []string
	s := openDeploy(t, dir, "staging", &phases)
	deploy.SetNotifyTune(s, func(d *notify.Dispatcher) {
		d.Deadline, d.BackoffBase, d.BackoffMax = 500*time.Millisecond, 10*time.Millisecond, 20*time.Millisecond
	})
	deployImage(t, s, "v1")
	deployImage(t, s, "v2")
	mu.Lock()
	got := append([]string(nil), kinds...)
	failing = true
	mu.Unlock()
	require.Len(t, got, 4, "started and succeeded, twice: %v", got)
	assert.Equal(t, "deploy.succeeded staging kirikae rollback --stack staging --to 1 --sandbox", got[3])

	res := deployImage(t, s, "v3")
	assert.Equal(t, "v3", res.Release.ImageTag, "a dead webhook never fails the deploy")
	warned := false
	for _, p := range phases {
		if strings.HasPrefix(p, "warning: ") && !strings.Contains(p, "/hook") {
			warned = true
		}
		assert.NotContains(t, p, srv.URL+"/hook", "the URL is a secret")
	}
	assert.True(t, warned, "the failure is shown: %v", phases)
	recs, err := s.Journal(context.Background(), time.Time{})
	require.NoError(t, err)
	assert.Contains(t, recs[0].End.Note, "notification failed")
}
