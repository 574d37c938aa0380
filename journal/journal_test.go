package journal_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/backend"
	"github.com/kirikae/kirikae/journal"
)

func open(t *testing.T) (*journal.Journal, backend.Store) {
	t.Helper()
	st, err := backend.Open(context.Background(), "file://"+t.TempDir())
	require.NoError(t, err)
	return journal.Open(st, "kirikae", "staging"), st
}

func TestStartEndReadsBackNewestFirst(t *testing.T) {
	j, _ := open(t)
	ctx := context.Background()
	first, err := j.Start(ctx, journal.Entry{Op: "up", Stack: "staging", Commit: "abc1234",
		Release: &journal.Release{Name: "image v2", Values: map[string]string{"kirikae:imageTag": "v2"}}})
	require.NoError(t, err)
	require.NoError(t, first.End(ctx, journal.ResultSucceeded, nil, func(e *journal.Entry) {
		e.Release.ID = 7
		e.Changes = map[string]int{"update": 2}
	}))
	second, err := j.Start(ctx, journal.Entry{Op: "rollback", Stack: "staging"})
	require.NoError(t, err)
	require.NoError(t, second.End(ctx, journal.ResultFailed, errors.New("verify api: 503\nmore"), nil))

	recs, err := j.List(ctx, time.Time{}, 0)
	require.NoError(t, err)
	require.Len(t, recs, 2)
	assert.Equal(t, "rollback", recs[0].Start.Op, "newest first")
	assert.Equal(t, journal.ResultFailed, recs[0].Result)
	assert.Equal(t, "verify api: 503", recs[0].End.Error, "one line")
	assert.Equal(t, journal.ResultSucceeded, recs[1].Result)
	assert.Equal(t, 7, recs[1].End.Release.ID)
	assert.Equal(t, 2, recs[1].End.Changes["update"])
	assert.NotEmpty(t, recs[1].Start.Who)
	assert.NotEmpty(t, recs[1].Start.Host)
	assert.Equal(t, os.Getpid(), recs[1].Start.PID)
	assert.GreaterOrEqual(t, recs[1].End.DurationMs, int64(0))
}

func TestStartWithoutEndIsRunningThenInterrupted(t *testing.T) {
	j, st := open(t)
	ctx := context.Background()
	_, err := j.Start(ctx, journal.Entry{Op: "up", Stack: "staging"})
	require.NoError(t, err)
	recs, err := j.List(ctx, time.Time{}, 0)
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, journal.ResultRunning, recs[0].Result, "this process is alive")

	// A start written by a process that is gone (a crash, kill -9).
	gone := journal.Open(st, "kirikae", "product")
	_, err = gone.Start(ctx, journal.Entry{Op: "up", Stack: "product"})
	require.NoError(t, err)
	keys, err := st.List(ctx, "journal/kirikae/product/")
	require.NoError(t, err)
	require.Len(t, keys, 1)
	raw, err := st.Get(ctx, keys[0])
	require.NoError(t, err)
	dead := strings.Replace(string(raw), `"pid":`+itoa(os.Getpid()), `"pid":999999999`, 1)
	require.NotEqual(t, string(raw), dead)
	require.NoError(t, os.WriteFile(fileOf(t, st, keys[0]), []byte(dead), 0o600))
	recs, err = gone.List(ctx, time.Time{}, 0)
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, journal.ResultInterrupted, recs[0].Result, "never success")
}

func TestSinceSkipsOlderOperations(t *testing.T) {
	j, _ := open(t)
	ctx := context.Background()
	old, err := j.Start(ctx, journal.Entry{Op: "up", Stack: "staging"})
	require.NoError(t, err)
	require.NoError(t, old.End(ctx, journal.ResultSucceeded, nil, nil))
	cut := time.Now()
	time.Sleep(2 * time.Millisecond)
	fresh, err := j.Start(ctx, journal.Entry{Op: "destroy", Stack: "staging"})
	require.NoError(t, err)
	require.NoError(t, fresh.End(ctx, journal.ResultSucceeded, nil, nil))
	recs, err := j.List(ctx, cut, 0)
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, "destroy", recs[0].Start.Op)
}

func TestConcurrentWritersLoseNothing(t *testing.T) {
	j, _ := open(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			op, err := j.Start(ctx, journal.Entry{Op: "up", Stack: "staging"})
			if assert.NoError(t, err) {
				assert.NoError(t, op.End(ctx, journal.ResultSucceeded, nil, nil))
			}
		}()
	}
	wg.Wait()
	recs, err := j.List(ctx, time.Time{}, 0)
	require.NoError(t, err)
	assert.Len(t, recs, 20)
	for _, r := range recs {
		assert.Equal(t, journal.ResultSucceeded, r.Result)
	}
}

func TestMaskHidesSecretsInEveryField(t *testing.T) {
	j, st := open(t)
	const secret = "hunter2-s3cr3t"
	j.Mask = func(s string) string { return strings.ReplaceAll(s, secret, "[secret]") }
	ctx := context.Background()
	op, err := j.Start(ctx, journal.Entry{Op: "up", Stack: "staging",
		Release: &journal.Release{Name: "x " + secret, Values: map[string]string{"k": secret}}})
	require.NoError(t, err)
	require.NoError(t, op.End(ctx, journal.ResultFailed, errors.New("webhook https://u:"+secret+"@h failed"), nil))
	keys, err := st.List(ctx, "journal/")
	require.NoError(t, err)
	require.Len(t, keys, 2)
	for _, k := range keys {
		raw, err := st.Get(ctx, k)
		require.NoError(t, err)
		assert.NotContains(t, string(raw), secret, k)
		assert.Contains(t, string(raw), "[secret]", k)
	}
}

func TestStartFailsWhenTheStoreCannotBeWritten(t *testing.T) {
	dir := t.TempDir()
	st, err := backend.Open(context.Background(), "file://"+dir)
	require.NoError(t, err)
	require.NoError(t, os.Chmod(dir, 0o500))
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	if os.Geteuid() == 0 {
		// root writes through mode bits: use a file where a directory must be.
		require.NoError(t, os.Chmod(dir, 0o700))
		require.NoError(t, os.WriteFile(dir+"/.kirikae", []byte("not a dir"), 0o600))
	}
	_, err = journal.Open(st, "kirikae", "staging").Start(context.Background(), journal.Entry{Op: "up", Stack: "staging"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the operation did not run")
}

func itoa(n int) string { return strconv.Itoa(n) }

// fileOf is the path of a file store's object (tests forge a dead writer).
func fileOf(t *testing.T, st backend.Store, key string) string {
	t.Helper()
	loc := strings.TrimPrefix(st.Location(), "file://")
	return loc + "/.kirikae/" + key
}

// limit keeps the newest operations, judged by when they started, even
// when their entries interleave with older ones.
func TestListLimitKeepsTheNewestOperations(t *testing.T) {
	j, _ := open(t)
	ctx := context.Background()
	older, err := j.Start(ctx, journal.Entry{Op: "up", Stack: "staging"})
	require.NoError(t, err)
	newer, err := j.Start(ctx, journal.Entry{Op: "refresh", Stack: "staging"})
	require.NoError(t, err)
	require.NoError(t, older.End(ctx, journal.ResultSucceeded, nil, nil))
	require.NoError(t, newer.End(ctx, journal.ResultFailed, errors.New("boom"), nil))

	recs, err := j.List(ctx, time.Time{}, 1)
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, "refresh", recs[0].Start.Op)
	require.NotNil(t, recs[0].End, "the operation is read whole")
	assert.Equal(t, journal.ResultFailed, recs[0].Result)
	all, err := j.List(ctx, time.Time{}, 0)
	require.NoError(t, err)
	assert.Len(t, all, 2)
}
