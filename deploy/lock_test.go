package deploy_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/backend"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/engine"
	"github.com/kirikae/kirikae/internal/testproject"
)

// plantLock leaves a deploy lock in the stack's backend as a killed (or
// running) kirikae process would.
func plantLock(t *testing.T, s *deploy.Session, info backend.LockInfo) {
	t.Helper()
	_, err := backend.AcquireLock(context.Background(), s.Store(), engine.LockKey(s.ProjectName(), s.Stack()), info)
	require.NoError(t, err)
}

func deadPID(t *testing.T) int {
	cmd := exec.Command("true")
	require.NoError(t, cmd.Run())
	return cmd.Process.Pid
}

// A lock whose process died on this machine (kill -9) holds nothing: the
// next command clears it by itself, with Pulumi's update lock that
// process's engine left, and journals whom it cleared; it never needs
// `cancel`. `status` (LockState) names the dead holder until then.
func TestADeadHoldersLockIsClearedByTheNextCommand(t *testing.T) {
	t.Parallel()
	dir := testproject.Copy(t)
	s := openSandbox(t, dir, "staging", nil)
	host, _ := os.Hostname()
	since := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	pid := deadPID(t)
	plantLock(t, s, backend.LockInfo{Who: "alice", Host: host, PID: pid, Op: "deploy", OpID: "0badc0ffee00", Since: since})
	locks := filepath.Join(deploy.PathsFor(dir, true).Backend, ".pulumi", "locks", "organization", testproject.Project(t, dir), "staging")
	require.NoError(t, os.MkdirAll(locks, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(locks, "0b6d1f7e-dead-4c0d-9c1e-2f1f4c1a0002.json"),
		[]byte(`{"pid":`+strconv.Itoa(pid)+`,"username":"alice","hostname":"`+host+`","timestamp":"2026-11-25T09:00:00Z"}`), 0o644))

	st, err := s.LockState(context.Background())
	require.NoError(t, err)
	assert.True(t, st.Gone)
	assert.True(t, st.EngineLocked)

	unlock, err := s.Lock("up")
	require.NoError(t, err, "the dead holder's lock is cleared, not refused")
	unlock()
	st, err = s.LockState(context.Background())
	require.NoError(t, err)
	assert.Nil(t, st.Holder, "cleared")
	assert.False(t, st.EngineLocked, "Pulumi's lock of the dead process went with it")
	recs, err := s.Journal(context.Background(), time.Time{})
	require.NoError(t, err)
	require.NotEmpty(t, recs)
	assert.Equal(t, "cancel", recs[0].Start.Op)
	assert.Contains(t, recs[0].End.Note, "cleared by up: the lock of alice on "+host)
	assert.Contains(t, recs[0].End.Note, fmt.Sprintf("(pid %d) is gone", pid))
}

// cancel never cuts off a holder that is still running here, and asks for
// --force when the holder is on another machine.
func TestCancelRefusesALiveOrRemoteHolder(t *testing.T) {
	t.Parallel()
	s := openSandbox(t, testproject.Copy(t), "staging", nil)
	host, _ := os.Hostname()
	plantLock(t, s, backend.LockInfo{Who: "me", Host: host, PID: os.Getpid(), Op: "deploy", Since: time.Now()})
	err := s.Cancel(context.Background(), true)
	var lh *deploy.LockHeldError
	require.ErrorAs(t, err, &lh)
	assert.True(t, lh.Alive, "even --force does not cut off a running process")
	assert.Contains(t, lh.Hint(deploy.Invocation{}), "wait for it to finish")
	held, err := s.HeldLock(context.Background())
	require.NoError(t, err)
	require.NoError(t, held.Break(context.Background(), s.Store()))

	plantLock(t, s, backend.LockInfo{Who: "ci", Host: "runner-7", PID: 4242, Op: "deploy", OpID: "0123456789ab",
		CIRun: "https://github.com/o/r/actions/runs/9", Since: time.Now()})
	err = s.Cancel(context.Background(), false)
	require.ErrorAs(t, err, &lh)
	assert.False(t, lh.Alive)
	assert.Contains(t, err.Error(), "on another machine")
	assert.Contains(t, lh.Hint(deploy.Invocation{Sandbox: true, Stack: "staging"}), "kirikae cancel --stack staging --force --sandbox")
	assert.Contains(t, lh.Hint(deploy.Invocation{}), "https://github.com/o/r/actions/runs/9")

	require.NoError(t, s.Cancel(context.Background(), true))
	st, err := s.LockState(context.Background())
	require.NoError(t, err)
	assert.Nil(t, st.Holder)
	recs, err := s.Journal(context.Background(), time.Time{})
	require.NoError(t, err)
	assert.Contains(t, recs[0].End.Note, "(forced)")
}

// A lock whose journaled operation ended (its process died between
// writing the end and releasing the lock) is stale wherever it ran.
func TestALockWhoseOperationEndedIsStaleOnAnyHost(t *testing.T) {
	t.Parallel()
	s := openSandbox(t, testproject.Copy(t), "staging", nil)
	_, err := s.SetFreeze(context.Background(), true, "testing") // any journaled operation
	require.NoError(t, err)
	recs, err := s.Journal(context.Background(), time.Time{})
	require.NoError(t, err)
	require.NotNil(t, recs[0].End)
	plantLock(t, s, backend.LockInfo{Who: "ci", Host: "runner-7", PID: 4242, Op: "deploy", OpID: recs[0].Start.OpID, Since: time.Now()})
	st, err := s.LockState(context.Background())
	require.NoError(t, err)
	assert.True(t, st.Gone)
	require.NoError(t, s.Cancel(context.Background(), false))
}
