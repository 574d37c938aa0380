package backend_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/backend"
	"github.com/kirikae/kirikae/backend/backendtest"
)

func gofakes3Store(t *testing.T) backend.Store {
	st, _ := backendtest.S3(t)
	return st
}

func stores(t *testing.T) map[string]backend.Store {
	file, err := backend.Open(context.Background(), "file://"+t.TempDir())
	require.NoError(t, err)
	return map[string]backend.Store{"file": file, "s3": gofakes3Store(t)}
}

func TestLockIsHeldByOneAndNamesItsHolder(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			since := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
			alice := backend.LockInfo{Who: "alice", Host: "laptop", PID: 42, Op: "up", OpID: "op1", Since: since}
			l, err := backend.AcquireLock(ctx, st, "locks/p/staging.json", alice)
			require.NoError(t, err)

			_, err = backend.AcquireLock(ctx, st, "locks/p/staging.json", backend.LockInfo{Who: "ci", Host: "runner", PID: 7, Op: "up"})
			var held *backend.HeldError
			require.ErrorAs(t, err, &held)
			assert.Equal(t, alice, held.Holder)
			assert.Equal(t, "lock locks/p/staging.json is held by alice on laptop (pid 42, up) since 2026-11-25T09:00:00Z", err.Error())
			other, err := backend.AcquireLock(ctx, st, "locks/p/product.json", alice)
			require.NoError(t, err, "another stack's lock is another object")
			require.NoError(t, other.Release(ctx))

			require.NoError(t, l.Release(ctx))
			free, err := backend.ReadLock(ctx, st, "locks/p/staging.json")
			require.NoError(t, err)
			assert.Nil(t, free)
			require.NoError(t, l.Release(ctx), "releasing twice is harmless")
		})
	}
}

// A stale lock broken by cancel and taken by someone else stays theirs:
// neither the old holder's late Release nor a second Break removes it.
func TestBreakAndReleaseNeverRemoveAnotherHoldersLock(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			old, err := backend.AcquireLock(ctx, st, "locks/p/s.json", backend.LockInfo{Who: "old", PID: 1, Op: "up"})
			require.NoError(t, err)
			stale, err := backend.ReadLock(ctx, st, "locks/p/s.json")
			require.NoError(t, err)
			require.NoError(t, stale.Break(ctx, st))
			fresh, err := backend.AcquireLock(ctx, st, "locks/p/s.json", backend.LockInfo{Who: "new", PID: 2, Op: "up"})
			require.NoError(t, err)

			require.NoError(t, old.Release(ctx))
			assert.ErrorIs(t, st.DeleteIf(ctx, "locks/p/s.json", []byte(`{"who":"old"}`)), backend.ErrChanged)
			assert.ErrorIs(t, stale.Break(ctx, st), backend.ErrChanged, "the lock read earlier is gone; the new one stays")
			now, err := backend.ReadLock(ctx, st, "locks/p/s.json")
			require.NoError(t, err)
			require.NotNil(t, now)
			assert.Equal(t, "new", now.Holder.Who)
			require.NoError(t, fresh.Release(ctx))
			assert.ErrorIs(t, st.DeleteIf(ctx, "locks/p/s.json", nil), backend.ErrNotFound)
		})
	}
}

// Many processes race for one lock: exactly one holds it, every other
// one is told who.
func TestLockRace(t *testing.T) {
	for name, st := range stores(t) {
		t.Run(name, func(t *testing.T) {
			const n = 12
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = backend.AcquireLock(context.Background(), st, "locks/p/s.json", backend.LockInfo{Who: "w", PID: i, Op: "up"})
				}()
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				var held *backend.HeldError
				switch {
				case err == nil:
					won++
				case errors.As(err, &held):
				default:
					t.Errorf("unexpected: %v", err)
				}
			}
			assert.Equal(t, 1, won)
		})
	}
}
