package deploy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kirikae/kirikae/backend"
	"github.com/kirikae/kirikae/engine"
	"github.com/kirikae/kirikae/journal"
)

// clearDeadHolder removes the deploy lock of a process that ran on this
// machine and is gone (kill -9, a closed terminal, an OOM kill): no one
// holds it, so refusing the next command would only send the user to
// `cancel` for nothing. Pulumi's own update lock, which that process's
// engine may have left, goes with it. The clearing is journaled with the
// holder it removed, as `cancel` journals it. A holder on another machine
// is never cleared here: kirikae cannot see whether it still runs.
// It reports whether a lock was cleared.
func (s *Session) clearDeadHolder(op string) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	held, err := s.HeldLock(ctx)
	if err != nil || held == nil || !engine.HolderGone(held.Holder) {
		return false, err
	}
	if err := held.Break(ctx, s.Store()); err != nil {
		if errors.Is(err, backend.ErrChanged) {
			return false, nil // someone else cleared and took it: theirs now
		}
		return false, err
	}
	h := held.Holder
	note := fmt.Sprintf("cleared by %s: the lock of %s since %s, whose process (pid %d) is gone from this machine",
		op, h, h.Since.UTC().Format(time.RFC3339), h.PID)
	err = s.journaled(ctx, "cancel", journal.Entry{}, func(end *journal.Entry) error {
		end.Note = note
		if locked, known, err := s.Session.Locked(ctx); err == nil && known && locked {
			return s.Session.Cancel(ctx)
		}
		return nil
	})
	return true, err
}
