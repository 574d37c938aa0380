package deploy_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/backend"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
)

// fileHashes hashes every file under dirs: what a read-only run must leave
// byte-identical.
func fileHashes(t *testing.T, dirs ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, dir := range dirs {
		require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			out[p] = hex.EncodeToString(sum[:])
			return nil
		}))
	}
	return out
}

// Previews and drift checks write nothing: no lock, no journal entry (in
// CI either), no record, no state, and nothing in the account; during a
// deploy they read the last saved state and say a deploy is running.
func TestPreviewAndDriftWriteNothing(t *testing.T) {
	t.Setenv("CI", "true") // previews were journaled in CI
	dir := testproject.Copy(t)
	up(t, openSandbox(t, dir, "staging", nil))

	var phases []string
	s, err := deploy.Open(context.Background(), deploy.Options{
		ProjectDir: dir, Stack: "staging", Sandbox: true, CLI: testproject.CLI(t), ReadOnly: true,
		OnEvent: func(e deploy.Event) {
			if e.Kind == deploy.EventPhase {
				phases = append(phases, e.Message)
			}
		},
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	paths := deploy.PathsFor(dir, true)
	watched := []string{paths.Backend, paths.Account}

	readOnlyRuns := func() {
		t.Helper()
		ctx := context.Background()
		before := fileHashes(t, watched...)
		plan, err := s.PlanDeploy(ctx, deploy.DeployRequest{Overrides: map[string]string{"kirikae:frontendRelease": "r2"}, Preview: true})
		require.NoError(t, err)
		assert.True(t, plan.Preview.HasChanges(), "the preview sees the change it would apply")
		_, err = s.Preview(ctx, deploy.PreviewOptions{})
		require.NoError(t, err)
		drift, err := s.Drift(ctx)
		require.NoError(t, err)
		assert.False(t, drift.HasChanges())
		assert.Equal(t, before, fileHashes(t, watched...), "a read-only run changed a file")
	}
	readOnlyRuns()
	assert.Empty(t, phases)

	// A deploy in progress (this process holds its lock): the preview
	// still runs, on the state saved so far, and says so.
	host, _ := os.Hostname()
	rw := openSandbox(t, dir, "staging", nil)
	plantLock(t, rw, backend.LockInfo{Who: "ci", Host: host, PID: os.Getpid(), Op: "up", Since: time.Now()})
	readOnlyRuns()
	require.NotEmpty(t, phases)
	assert.True(t, strings.Contains(phases[0], "staging is being changed by ci on "+host), phases[0])
	assert.Contains(t, phases[0], "reads the state saved before it")

	// A write attempted by a read-only session is refused, naming the key.
	_, err = s.Up(context.Background(), deploy.UpOptions{})
	var refused *backend.ReadOnlyError
	if assert.ErrorAs(t, err, &refused) {
		assert.Equal(t, "locks/"+testproject.Project(t, dir)+"/staging.json", refused.Key)
	}
}

// up refuses a stack whose secrets are "encrypted" with the empty
// passphrase, before anything is created, as config check does in CI.
func TestUpRefusesSecureValuesUnderTheEmptyPassphrase(t *testing.T) {
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", "")
	dir := testproject.Copy(t)
	editStackFile(t, dir, "staging", "kirikae:slackWebhookUrl:\n    secure: v1:AAAAAAAAAAAAAAAA:BBBBBBBBBBBBBBBBBBBBBBBB")
	s := openSandbox(t, dir, "staging", nil)
	_, err := s.Up(context.Background(), deploy.UpOptions{})
	var empty *deploy.EmptyPassphraseError
	require.ErrorAs(t, err, &empty)
	assert.Equal(t, []string{"kirikae:slackWebhookUrl"}, empty.Keys)
	assert.Contains(t, empty.Hint(deploy.Invocation{}), "aws ssm put-parameter --type SecureString")
	_, err = s.PlanDeploy(context.Background(), deploy.DeployRequest{})
	require.ErrorAs(t, err, &empty, "refused before planning an apply")
	assert.Empty(t, resourcesOf(t, dir), "nothing was created")
}
