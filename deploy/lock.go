package deploy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/kirikae/kirikae/backend"
	"github.com/kirikae/kirikae/engine"
	"github.com/kirikae/kirikae/journal"
)

// Lock takes the stack's deploy lock in the backend (engine.LockAs) for op,
// naming the holder as the journal does, and the journal operation it is
// about to start: the next journaled operation of this session takes that
// id, so `cancel` can tell from the journal whether a lock's operation
// ever ended.
func (s *Session) Lock(op string) (func(), error) {
	if s.ReadOnly() {
		return s.readLock(op)
	}
	if op == "deploy" || op == "up" {
		if err := s.checkPassphrase(); err != nil {
			return nil, err
		}
	}
	opID := journal.NewID()
	info := backend.LockInfo{Op: op, OpID: opID, Who: who(), CIRun: journal.CIRunURL()}
	unlock, err := s.Session.LockAs(info)
	var ce *ConcurrentUpdateError
	if errors.As(err, &ce) && ce.Stale {
		// Its holder died on this machine (lock_stale.go).
		if cleared, cerr := s.clearDeadHolder(op); cerr != nil {
			return nil, cerr
		} else if cleared {
			unlock, err = s.Session.LockAs(info)
		}
	}
	if errors.As(err, &ce) && op != "preview" && op != "drift" {
		s.journalRefusal(op, err)
	}
	if err != nil {
		return nil, err
	}
	s.lockOpID = opID
	return func() {
		s.lockOpID = ""
		unlock()
	}, nil
}

// readLock is Lock for a run that writes nothing: it takes no lock, and
// when a deploy holds it says so, since the run then reads the state that
// deploy last saved, not what it is about to apply.
func (s *Session) readLock(op string) (func(), error) {
	switch op {
	case "preview", "drift", "plan":
	default:
		// Anything else would change the stack: refused before it starts.
		return nil, &backend.ReadOnlyError{Op: op, Key: engine.LockKey(s.ProjectName(), s.Stack())}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	held, err := s.HeldLock(ctx)
	if err != nil {
		return nil, err
	}
	if held != nil {
		s.Phase("%s: %s is being changed by %s since %s; this %s reads the state saved before it",
			op, s.Stack(), held.Holder, held.Holder.Since.UTC().Format(time.RFC3339), op)
	}
	return func() {}, nil
}

// journalRefusal records an operation the lock refused, so the journal
// shows who tried to change the stack while someone else held it (read-only
// previews and drift checks are left out, as they are outside CI). It
// changed nothing, so a failure to write it is ignored.
func (s *Session) journalRefusal(op string, refused error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = s.journaled(ctx, op, journal.Entry{}, func(end *journal.Entry) error {
		end.Note = "refused: the stack is locked"
		return refused
	})
}

// takeLockOpID hands the held lock's journal operation id to the first
// operation journaled under it; later ones get their own.
func (s *Session) takeLockOpID() string {
	id := s.lockOpID
	s.lockOpID = ""
	return id
}

// LockState is who holds the stack's deploy lock and whether they are
// still there.
type LockState struct {
	// Holder is nil when the lock is free.
	Holder *backend.LockInfo `json:"holder,omitempty"`
	// Alive: the holder runs on this machine and its process is running.
	Alive bool `json:"alive"`
	// Gone: the holder's process is known to be dead (this machine, no
	// such process) or the journal shows its operation ended.
	Gone bool `json:"gone"`
	// EngineLocked: Pulumi's own update lock is held; EngineKnown is false
	// when the backend keeps it where kirikae cannot look (s3).
	EngineLocked bool `json:"engineLocked"`
	EngineKnown  bool `json:"engineKnown"`

	held *backend.HeldError
}

// Locked reports whether anything holds the stack, as far as kirikae can
// see.
func (l LockState) Locked() bool { return l.Holder != nil || l.EngineLocked }

// LockState reads the deploy lock, judges its holder, and reads Pulumi's
// update lock.
func (s *Session) LockState(ctx context.Context) (LockState, error) {
	var st LockState
	held, err := s.HeldLock(ctx)
	if err != nil {
		return st, err
	}
	if held != nil {
		st.held, st.Holder = held, &held.Holder
		switch {
		case engine.HolderGone(held.Holder):
			st.Gone = true
		case isThisHost(held.Holder.Host):
			st.Alive = true
		default:
			st.Gone = s.opEnded(ctx, held.Holder.OpID)
		}
	}
	st.EngineLocked, st.EngineKnown, err = s.Session.Locked(ctx)
	return st, err
}

// opEnded reports whether the journal has the end of operation id: its
// process finished and only failed to release the lock.
func (s *Session) opEnded(ctx context.Context, id string) bool {
	if id == "" {
		return false
	}
	recs, err := s.journal().List(ctx, time.Time{}, 0)
	if err != nil {
		return false
	}
	for _, r := range recs {
		if r.Start.OpID == id {
			return r.End != nil
		}
	}
	return false
}

// LockHeldError is `cancel` refusing to clear a lock whose holder may
// still be working.
type LockHeldError struct {
	Stack  string
	Holder backend.LockInfo
	// Alive: on this machine, running. Otherwise on another machine,
	// where kirikae cannot look.
	Alive bool
}

func (e *LockHeldError) Error() string {
	since := e.Holder.Since.UTC().Format(time.RFC3339)
	if e.Alive {
		return fmt.Sprintf("cancel %s: the lock is held by %s since %s, and that process is still running", e.Stack, e.Holder, since)
	}
	return fmt.Sprintf("cancel %s: the lock is held by %s since %s, on another machine; kirikae cannot see whether it is still running", e.Stack, e.Holder, since)
}

// Hint says how to go on.
func (e *LockHeldError) Hint(inv Invocation) string {
	if e.Alive {
		return fmt.Sprintf("wait for it to finish; cancel never cuts off a running deploy (stop it with Ctrl-C in its terminal, or `kill %d`)", e.Holder.PID)
	}
	hint := "if you know it is gone (its CI job was cancelled, the machine is off), run `" + inv.For(e.Stack).Command("cancel", "--force") + "`"
	if e.Holder.CIRun != "" {
		hint = "check its run at " + e.Holder.CIRun + "; " + hint
	}
	return hint
}

// Cancel clears the locks a killed operation left behind: kirikae's deploy
// lock when its holder is gone, and Pulumi's update lock. It refuses
// (*LockHeldError) while the holder runs on this machine, and while it is
// on another machine unless force is set. The clearing is journaled, with
// the holder it removed.
func (s *Session) Cancel(ctx context.Context, force bool) error {
	st, err := s.LockState(ctx)
	if err != nil {
		return err
	}
	note := ""
	if st.Holder != nil {
		if st.Alive || !st.Gone && !force {
			return &LockHeldError{Stack: s.Stack(), Holder: *st.Holder, Alive: st.Alive}
		}
		if err := st.held.Break(ctx, s.Store()); err != nil {
			if errors.Is(err, backend.ErrChanged) {
				return fmt.Errorf("cancel %s: the lock changed hands while cancel read it; run cancel again to see the new holder", s.Stack())
			}
			return err
		}
		note = fmt.Sprintf("cleared the lock of %s since %s", st.Holder, st.Holder.Since.UTC().Format(time.RFC3339))
		if !st.Gone {
			note += " (forced)"
		}
	}
	unlock, err := s.Lock("cancel")
	if err != nil {
		return err
	}
	defer unlock()
	return s.journaled(ctx, "cancel", journal.Entry{}, func(end *journal.Entry) error {
		end.Note = note
		return s.Session.Cancel(ctx)
	})
}

func isThisHost(host string) bool {
	h, _ := os.Hostname()
	return host == h
}
