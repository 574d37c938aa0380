package cli_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/backend"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/engine"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/sandbox"
)

// The workload's log events, written into the sandbox account's log group
// the way its tasks' output is captured, come back from `kirikae logs`
// (active colour by default, --color for the other), as text or JSON
// lines; a bad --color is bad input.
func TestLogsCommand(t *testing.T) {
	dir := testproject.Copy(t)
	r := kirikae(t, dir, "up", "--stack", "staging", "--sandbox", "--yes")
	require.Equal(t, 0, r.code, r.stderr)
	var outs struct {
		Outputs map[string]struct{ Value any } `json:"outputs"`
	}
	kirikaeJSON(t, dir, &outs, "outputs", "--stack", "staging", "--sandbox")
	active, _ := outs.Outputs["activeColor"].Value.(string)
	require.NotEmpty(t, active)
	idle := map[string]string{"blue": "green", "green": "blue"}[active]
	acct, err := deploy.OpenSandboxAccount(dir, "staging")
	require.NoError(t, err)
	now := time.Now()
	group := "/ecs/" + testproject.Stack(t, dir, "staging").ServiceName + "-staging"
	require.NoError(t, acct.PutLogEvents(group, active+"/api/t1",
		sandbox.LogEvent{Timestamp: now.Add(-3 * time.Hour).UnixMilli(), Message: "too old"},
		sandbox.LogEvent{Timestamp: now.Add(-time.Minute).UnixMilli(), Message: "GET /healthz 200"}))
	require.NoError(t, acct.PutLogEvents(group, idle+"/api/t2",
		sandbox.LogEvent{Timestamp: now.Add(-time.Minute).UnixMilli(), Message: "idle colour says hi"}))

	r = kirikae(t, dir, "logs", "--stack", "staging", "--sandbox")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, active+"/api/t1 GET /healthz 200")
	assert.NotContains(t, r.stdout, "too old", "--since 10m by default")
	assert.NotContains(t, r.stdout, "idle colour")
	assert.Contains(t, r.stderr, "logs of staging: "+group+" ("+active+" colour")

	r = kirikae(t, dir, "logs", "--stack", "staging", "--sandbox", "--color", idle, "--json")
	require.Equal(t, 0, r.code, r.stderr)
	// One JSON document per line; the idle colour's real tasks logged too.
	var line map[string]any
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var doc map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &doc), l)
		assert.Equal(t, "log", doc["kind"])
		if doc["message"] == "idle colour says hi" {
			line = doc
		}
	}
	require.NotNil(t, line, r.stdout)

	r = kirikae(t, dir, "logs", "--stack", "staging", "--sandbox", "--color", "red")
	assert.Equal(t, 2, r.code)

	// --follow stays on the live colour across a deploy's flip, says so,
	// and prints the new release's first lines.
	follow := exec.Command(kirikaeBin(t), "logs", "--stack", "staging", "--sandbox", "--follow")
	follow.Dir = dir
	follow.Env = append(os.Environ(), "NO_COLOR=1")
	var followed testproject.SyncBuffer
	follow.Stdout, follow.Stderr = &followed, &followed
	require.NoError(t, follow.Start())
	t.Cleanup(func() { _ = follow.Process.Kill(); _ = follow.Wait() })
	require.Eventually(t, func() bool { return strings.Contains(followed.String(), "GET /healthz 200") }, 30*time.Second, 100*time.Millisecond)
	r = kirikae(t, dir, "sandbox", "push-image", "v2", "--stack", "staging")
	require.Equal(t, 0, r.code, r.stderr)
	r = kirikae(t, dir, "up", "--stack", "staging", "--sandbox", "--image", "v2")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Eventually(t, func() bool {
		out := followed.String()
		return strings.Contains(out, "the live colour changed: "+active+" → "+idle) && strings.Contains(out, "serving version v2")
	}, 30*time.Second, 200*time.Millisecond, "follow output: %s", &followed)
}

// A deploy lock left by a killed kirikae on this machine is cleared by the
// next command by itself (its process is gone), journaled; one held from
// another machine needs cancel --force.
func TestCancelClearsAKilledDeploysLock(t *testing.T) {
	dir := testproject.Copy(t)
	r := kirikae(t, dir, "preview", "--stack", "staging", "--sandbox") // creates the stack
	require.Equal(t, 0, r.code, r.stderr)
	store, err := backend.Open(context.Background(), "file://"+deploy.PathsFor(dir, true).Backend)
	require.NoError(t, err)
	key := engine.LockKey(testproject.Project(t, dir), "staging")
	host, _ := os.Hostname()
	dead := exec.Command("true")
	require.NoError(t, dead.Run())
	plant := func(info backend.LockInfo) {
		_, err := backend.AcquireLock(context.Background(), store, key, info)
		require.NoError(t, err)
	}

	plant(backend.LockInfo{Who: "alice", Host: host, PID: dead.Process.Pid, Op: "deploy", Since: time.Now().Add(-time.Hour)})
	r = kirikae(t, dir, "preview", "--stack", "staging", "--sandbox")
	require.Equal(t, 0, r.code, "a lock is no refusal for a preview: %s", r.stderr)
	held, err := backend.ReadLock(context.Background(), store, key)
	require.NoError(t, err)
	assert.NotNil(t, held, "a preview writes nothing, not even to clear a dead holder's lock")
	r = kirikae(t, dir, "refresh", "--stack", "staging", "--sandbox", "--yes")
	require.Equal(t, 0, r.code, "the dead holder's lock is no refusal: %s", r.stderr)
	held, err = backend.ReadLock(context.Background(), store, key)
	require.NoError(t, err)
	assert.Nil(t, held, "cleared by the next command that locks, and its own lock released")

	plant(backend.LockInfo{Who: "ci", Host: "runner-7", PID: 4242, Op: "deploy", Since: time.Now()})
	r = kirikae(t, dir, "cancel", "--stack", "staging", "--sandbox", "--yes")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "on another machine")
	assert.Contains(t, r.stderr, "kirikae cancel --stack staging --force --sandbox")
	r = kirikae(t, dir, "cancel", "--stack", "staging", "--sandbox", "--yes", "--force")
	require.Equal(t, 0, r.code, r.stderr)
	r = kirikae(t, dir, "cancel", "--stack", "staging", "--sandbox", "--yes")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stderr, "nothing to cancel")

	var journal struct {
		Operations []struct {
			Start struct{ Op string }
			End   *struct{ Note string }
		} `json:"operations"`
	}
	kirikaeJSON(t, dir, &journal, "journal", "--stack", "staging", "--sandbox")
	var notes []string
	for _, o := range journal.Operations {
		if o.Start.Op == "cancel" && o.End != nil {
			notes = append(notes, o.End.Note)
		}
	}
	require.Len(t, notes, 2)
	assert.Contains(t, notes[0], "ci on runner-7")
	assert.Contains(t, notes[0], "(forced)")
	assert.Contains(t, notes[1], "alice on "+host)
}
