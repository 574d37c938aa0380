package backend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// A lock is one write-once object: whoever creates it holds it, everyone
// else gets ErrExists from Create and reads the holder out of it. Because
// Create is atomic in every store (link(2) on disk, a conditional PUT on
// S3), two processes on two machines sharing an s3:// backend serialize
// exactly like two on one laptop.

// ErrChanged is returned by DeleteIf when the object is not the one the
// caller expected (another writer replaced it).
var ErrChanged = errors.New("object changed")

// LockInfo says who holds a lock and since when.
type LockInfo struct {
	Who   string    `json:"who"`
	Host  string    `json:"host"`
	PID   int       `json:"pid"`
	Op    string    `json:"op"`
	OpID  string    `json:"opId,omitempty"` // the journal operation it runs
	CIRun string    `json:"ciRun,omitempty"`
	Since time.Time `json:"since"`
}

// String names the holder for messages: "alice@laptop (pid 42, up)".
func (i LockInfo) String() string {
	who := i.Who
	if who == "" {
		who = "unknown"
	}
	s := fmt.Sprintf("%s on %s (pid %d, %s", who, i.Host, i.PID, i.Op)
	if i.CIRun != "" {
		s += ", " + i.CIRun
	}
	return s + ")"
}

// Lock is a lock this process holds.
type Lock struct {
	store Store
	key   string
	raw   []byte
	Info  LockInfo
}

// HeldError means someone else holds the lock.
type HeldError struct {
	Key    string
	Holder LockInfo
	raw    []byte
}

func (e *HeldError) Error() string {
	return fmt.Sprintf("lock %s is held by %s since %s", e.Key, e.Holder, e.Holder.Since.UTC().Format(time.RFC3339))
}

// AcquireLock takes the lock at key for info, or returns *HeldError naming
// the holder. It never waits: a deploy that finds the stack busy says so.
func AcquireLock(ctx context.Context, st Store, key string, info LockInfo) (*Lock, error) {
	raw, err := json.Marshal(info)
	if err != nil {
		return nil, fmt.Errorf("encode lock %s: %w", key, err)
	}
	// The holder may release between our failed Create and our read: then
	// try again, a few times, rather than report a holder that is gone.
	for range 3 {
		err := st.Create(ctx, key, raw)
		if err == nil {
			return &Lock{store: st, key: key, raw: raw, Info: info}, nil
		}
		if !errors.Is(err, ErrExists) {
			return nil, fmt.Errorf("take lock %s in %s: %w", key, st.Location(), err)
		}
		held, err := ReadLock(ctx, st, key)
		if err != nil {
			return nil, err
		}
		if held != nil {
			return nil, held
		}
	}
	return nil, fmt.Errorf("take lock %s in %s: it changed hands three times in a row; try again", key, st.Location())
}

// Release gives the lock up. It deletes the object only if it is still
// this lock's: one broken by `cancel --force` and taken by another process
// stays theirs. A lock already gone is not an error.
func (l *Lock) Release(ctx context.Context) error {
	err := l.store.DeleteIf(ctx, l.key, l.raw)
	if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrChanged) {
		return nil
	}
	return fmt.Errorf("release lock %s: %w", l.key, err)
}

// ReadLock returns the holder of the lock at key, or nil when it is free.
func ReadLock(ctx context.Context, st Store, key string) (*HeldError, error) {
	raw, err := st.Get(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read lock %s: %w", key, err)
	}
	h := &HeldError{Key: key, raw: raw}
	if err := json.Unmarshal(raw, &h.Holder); err != nil {
		// A lock nobody can read is still held; its holder is unknown.
		h.Holder = LockInfo{Who: "unknown (unreadable lock)"}
	}
	return h, nil
}

// Break removes a lock whose holder is gone. It removes exactly the lock
// that was read: if the holder released it and someone else took it since,
// Break fails with ErrChanged and the new holder keeps it.
func (e *HeldError) Break(ctx context.Context, st Store) error {
	if err := st.DeleteIf(ctx, e.Key, e.raw); err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("clear lock %s: %w", e.Key, err)
	}
	return nil
}
