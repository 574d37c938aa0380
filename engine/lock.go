package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"syscall"
	"time"

	"github.com/kirikae/kirikae/backend"
)

// LockKey is where a stack's deploy lock lives in the backend, beside its
// releases and journal.
func LockKey(project, stack string) string { return "locks/" + project + "/" + stack + ".json" }

// Lock takes kirikae's own per-stack lock for the length of an operation
// (see LockAs).
func (s *Session) Lock(op string) (func(), error) {
	return s.LockAs(backend.LockInfo{Op: op})
}

// LockAs takes kirikae's own per-stack lock for holder; its host, pid and
// start time are filled in. Pulumi locks a single engine run; a kirikae
// deploy spans several (stage, switch, verify, watch, switch back), so a
// second process must be refused before it touches anything. The lock is
// an object in the backend, so a CI run and a laptop sharing an s3://
// backend are refused the same way as two terminals on one machine.
func (s *Session) LockAs(holder backend.LockInfo) (func(), error) {
	holder.Host, _ = os.Hostname()
	holder.PID = os.Getpid()
	holder.Since = time.Now().UTC().Truncate(time.Second)
	if holder.Who == "" {
		holder.Who = osUser()
	}
	// The lock is taken and released even when the command's context is
	// being cancelled: a lock left behind needs `cancel`.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	l, err := backend.AcquireLock(ctx, s.store, LockKey(s.ProjectName(), s.opts.Stack), holder)
	var held *backend.HeldError
	if errors.As(err, &held) {
		return nil, &ConcurrentUpdateError{Stack: s.opts.Stack, Holder: held.Holder.String(),
			Since: held.Holder.Since.UTC().Format(time.RFC3339), Stale: HolderGone(held.Holder)}
	}
	if err != nil {
		return nil, fmt.Errorf("take the deploy lock of %s: %w", s.opts.Stack, err)
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = l.Release(ctx)
	}, nil
}

// HeldLock reads the stack's lock: nil when it is free.
func (s *Session) HeldLock(ctx context.Context) (*backend.HeldError, error) {
	return backend.ReadLock(ctx, s.store, LockKey(s.ProjectName(), s.opts.Stack))
}

// HolderGone reports a holder known to be dead: it ran on this machine and
// its process is gone. A holder on another machine cannot be checked.
func HolderGone(h backend.LockInfo) bool {
	host, _ := os.Hostname()
	return h.Host == host && !ProcessAlive(h.PID)
}

// ProcessAlive reports whether pid is a running process on this machine.
func ProcessAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func osUser() string {
	if a := os.Getenv("GITHUB_ACTOR"); a != "" {
		return a
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}
