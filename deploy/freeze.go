package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kirikae/kirikae/journal"
)

// Freeze is a deploy freeze on a stack: while it holds, up, promote and a
// plain rollback refuse; `rollback --force` still works (incidents do not
// wait for a freeze to end) and is journaled as forced.
type Freeze struct {
	Frozen bool      `json:"frozen"`
	Reason string    `json:"reason,omitempty"`
	Who    string    `json:"who"`
	When   time.Time `json:"when"`
}

// Freezes are a log of write-once objects, like releases: the newest one
// says whether the stack is frozen now. Setting and lifting a freeze from
// two machines never overwrites either record.
func (s *Session) freezeDir() string {
	return "freezes/" + s.ProjectName() + "/" + s.Stack() + "/"
}

// CurrentFreeze returns the stack's freeze, Frozen false when there is none.
func (s *Session) CurrentFreeze(ctx context.Context) (Freeze, error) {
	keys, err := s.Store().List(ctx, s.freezeDir())
	if err != nil || len(keys) == 0 {
		return Freeze{}, err
	}
	raw, err := s.Store().Get(ctx, keys[len(keys)-1])
	if err != nil {
		return Freeze{}, fmt.Errorf("read freeze of %s: %w", s.Stack(), err)
	}
	var f Freeze
	if err := json.Unmarshal(raw, &f); err != nil {
		return Freeze{}, fmt.Errorf("read freeze of %s: %w", s.Stack(), err)
	}
	return f, nil
}

// SetFreeze freezes (frozen true, with a reason) or unfreezes the stack,
// journaled as "lock" or "unlock".
func (s *Session) SetFreeze(ctx context.Context, frozen bool, reason string) (Freeze, error) {
	op := "unlock"
	if frozen {
		op = "lock"
	}
	f := Freeze{Frozen: frozen, Reason: reason, Who: who(), When: time.Now().UTC()}
	err := s.journaled(ctx, op, journal.Entry{}, func(end *journal.Entry) error {
		end.Note = reason
		raw, err := json.Marshal(f)
		if err != nil {
			return err
		}
		key := fmt.Sprintf("%s%s-%s.json", s.freezeDir(), f.When.Format("20060102T150405.000000000Z"), journal.NewID())
		if err := s.Store().Create(ctx, key, raw); err != nil {
			return fmt.Errorf("%s %s: %w", op, s.Stack(), err)
		}
		return nil
	})
	return f, err
}

// CheckFreeze refuses op while the stack is frozen (*FrozenError). Deploy
// checks it too; commands call it first so a frozen stack is refused
// before anything is planned. Previews are never refused: reviewing a
// change during a freeze is how the next release gets ready.
func (s *Session) CheckFreeze(ctx context.Context, op string) error {
	f, err := s.CurrentFreeze(ctx)
	if err != nil {
		return err
	}
	if !f.Frozen {
		return nil
	}
	return &FrozenError{Stack: s.Stack(), Op: op, Freeze: f}
}

// FrozenError refuses an operation during a deploy freeze (exit 1: nothing
// is wrong with the input, the stack is closed for deploys).
type FrozenError struct {
	Stack  string
	Op     string
	Freeze Freeze
}

func (e *FrozenError) Error() string {
	msg := fmt.Sprintf("%s %s refused: the stack is frozen by %s since %s", e.Op, e.Stack, e.Freeze.Who, e.Freeze.When.Format(time.RFC3339))
	if e.Freeze.Reason != "" {
		msg += fmt.Sprintf(" (%q)", e.Freeze.Reason)
	}
	return msg
}

// Hint says how the freeze ends, and the incident escape hatch.
func (e *FrozenError) Hint(inv Invocation) string {
	inv = inv.For(e.Stack)
	return fmt.Sprintf("wait for `%s`; during an incident `%s` still rolls back", inv.Command("unlock"), inv.Command("rollback", "--force"))
}

// Command is a kirikae command line for this stack with the options in
// effect, for messages a user can paste.
func (s *Session) Command(sub string, args ...string) string {
	return s.Invocation().Command(sub, args...)
}
