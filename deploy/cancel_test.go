package deploy_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
)

// A killed update leaves Pulumi's lock file behind; cancel clears it.
func TestCancelClearsAStaleLock(t *testing.T) {
	t.Parallel()
	dir := testproject.Copy(t)
	s := openSandbox(t, dir, "staging", nil)
	up(t, s)
	locked, known, err := s.Locked(context.Background())
	require.NoError(t, err)
	assert.True(t, known, "a file backend's locks are visible")
	assert.False(t, locked, "nothing holds the stack after an up")
	locks := filepath.Join(deploy.PathsFor(dir, true).Backend, ".pulumi", "locks", "organization", testproject.Project(t, dir), "staging")
	require.NoError(t, os.MkdirAll(locks, 0o755))
	stale := `{"pid":4242,"username":"ci","hostname":"runner-7","timestamp":"2026-11-25T09:00:00Z"}`
	require.NoError(t, os.WriteFile(filepath.Join(locks, "0b6d1f7e-dead-4c0d-9c1e-2f1f4c1a0001.json"), []byte(stale), 0o644))

	locked, _, err = s.Locked(context.Background())
	require.NoError(t, err)
	assert.True(t, locked, "the killed update's lock is seen")

	_, err = s.Up(context.Background(), deploy.UpOptions{})
	var ce *deploy.ConcurrentUpdateError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "ci@runner-7 (pid 4242)", ce.Holder)
	assert.Contains(t, ce.Hint(deploy.Invocation{Sandbox: true}), "kirikae cancel --stack staging --sandbox")

	require.NoError(t, s.Cancel(context.Background(), false))
	locked, _, err = s.Locked(context.Background())
	require.NoError(t, err)
	assert.False(t, locked, "cancel cleared it")
	res, err := s.Up(context.Background(), deploy.UpOptions{})
	require.NoError(t, err)
	assert.False(t, res.HasChanges())
}
