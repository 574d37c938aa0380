package deploy_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/sandbox"
)

// logs reads the active colour's streams of the service's log group
// through CloudWatch Logs' FilterLogEvents on the sandbox endpoint; the
// other colour's on --color; only events since the start time; and with
// follow, events written later, each once.
func TestLogsOfTheActiveColour(t *testing.T) {
	t.Parallel()
	dir := testproject.Copy(t)
	s := openDeploy(t, dir, "staging", nil)
	ctx := context.Background()

	_, err := s.LogSource(ctx, "")
	var nl *deploy.NoLogsError
	require.ErrorAs(t, err, &nl, "nothing is deployed yet")

	deployImage(t, s, "v1")
	src, err := s.LogSource(ctx, "")
	require.NoError(t, err)
	require.NotEmpty(t, src.Color)
	assert.Equal(t, "/ecs/"+testproject.Stack(t, dir, "staging").ServiceName+"-staging", src.Group)
	idle := "green"
	if src.Color == "green" {
		idle = "blue"
	}
	acct := account(t, dir)
	// Planted events are stamped after anything the real workloads print
	// during the test, so a follower's position is set by them.
	now := time.Now().Add(5 * time.Second)
	require.NoError(t, acct.PutLogEvents(src.Group, src.Color+"/api/task1",
		sandbox.LogEvent{Timestamp: now.Add(-time.Hour).UnixMilli(), Message: "old"},
		sandbox.LogEvent{Timestamp: now.Add(-2 * time.Second).UnixMilli(), Message: "active 1"},
		sandbox.LogEvent{Timestamp: now.Add(-time.Second).UnixMilli(), Message: "active 2"}))
	require.NoError(t, acct.PutLogEvents(src.Group, idle+"/api/task2", sandbox.LogEvent{Timestamp: now.UnixMilli(), Message: "idle"}))

	read := func(src deploy.LogSource, o deploy.LogsOptions) []string {
		var got []string
		require.NoError(t, s.Logs(ctx, src, o, func(e deploy.LogEvent) error { got = append(got, e.Message); return nil }))
		return got
	}
	// The tasks are real programs: their own output is in the streams too.
	recent := read(src, deploy.LogsOptions{Since: 10 * time.Minute})
	assert.True(t, slices.ContainsFunc(recent, func(m string) bool { return strings.Contains(m, "serving version v1") }),
		"the active colour's program logged its start: %v", recent)
	assert.Equal(t, []string{"active 1", "active 2"}, planted(recent))
	assert.Equal(t, []string{"old", "active 1", "active 2"}, planted(read(src, deploy.LogsOptions{})))
	other, err := s.LogSource(ctx, idle)
	require.NoError(t, err)
	assert.Equal(t, []string{"idle"}, planted(read(other, deploy.LogsOptions{Since: time.Minute})))
	_, err = s.LogSource(ctx, "red")
	var bad *deploy.LogColorError
	require.ErrorAs(t, err, &bad)
	assert.True(t, bad.BadInput())

	// Follow: an event written while following arrives once, even one at
	// the same millisecond as the last event seen.
	fctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var mu sync.Mutex
	var got []string
	done := make(chan error, 1)
	go func() {
		done <- s.Logs(fctx, src, deploy.LogsOptions{Since: time.Minute, Follow: true, Poll: 20 * time.Millisecond}, func(e deploy.LogEvent) error {
			mu.Lock()
			defer mu.Unlock()
			if len(planted([]string{e.Message})) == 0 {
				return nil // the workload's own lines
			}
			got = append(got, e.Message)
			if e.Message == "later" {
				cancel()
			}
			return nil
		})
	}()
	waitFor := func(n int) {
		for fctx.Err() == nil {
			mu.Lock()
			l := len(got)
			mu.Unlock()
			if l >= n {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitFor(2)
	require.NoError(t, acct.PutLogEvents(src.Group, src.Color+"/api/task1",
		sandbox.LogEvent{Timestamp: now.Add(-time.Second).UnixMilli(), Message: "same millisecond"}))
	waitFor(3)
	require.NoError(t, acct.PutLogEvents(src.Group, src.Color+"/api/task3", sandbox.LogEvent{Timestamp: now.UnixMilli(), Message: "later"}))
	require.NoError(t, <-done, "following ends without error when stopped")
	assert.False(t, errors.Is(fctx.Err(), context.DeadlineExceeded), "the later event arrived")
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"active 1", "active 2", "same millisecond", "later"}, planted(got))
}

// planted keeps the events a test wrote, leaving out what the workloads
// themselves printed.
func planted(msgs []string) []string {
	var out []string
	for _, m := range msgs {
		if !strings.Contains(m, "serving version") {
			out = append(out, m)
		}
	}
	return out
}
