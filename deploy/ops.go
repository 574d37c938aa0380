package deploy

import (
	"context"
	"fmt"

	"github.com/kirikae/kirikae/engine"
	"github.com/kirikae/kirikae/journal"
	"github.com/kirikae/kirikae/notify"
	"github.com/kirikae/kirikae/stacks"
)

// The stack operations a user runs one at a time (preview, up, refresh,
// drift, destroy, cancel): each takes the stack's lock, runs the engine
// once, and is journaled (previews only in CI).

// ReleaseValues returns the release values this run applies: the flags'
// overrides over the values live now. Without this, `up` with no --image
// would silently put the repo file's imageTag back live.
func (s *Session) ReleaseValues(ctx context.Context) (Values, error) {
	base, err := stacks.Load(s.ProjectDir(), s.Stack())
	if err != nil {
		return Values{}, err
	}
	outs, err := s.Outputs(ctx)
	if err != nil {
		return Values{}, err
	}
	live, _, err := s.liveValues(ctx, base, outs)
	if err != nil {
		return Values{}, err
	}
	if _, err := base.With(s.Overrides()); err != nil {
		return Values{}, err
	}
	return live.apply(s.Overrides())
}

// lastDeployed is the config snapshot of the newest successful update in
// hist (newest first), and whether there is one.
func lastDeployed(hist []Update) (map[string]string, bool) {
	for _, u := range hist {
		if u.Kind == "update" && u.Result == "succeeded" {
			return u.Config, true
		}
	}
	return nil, false
}

// Preview computes what Up would change. Nothing is applied. In CI the
// preview is journaled: it is what reviewers approved.
func (s *Session) Preview(ctx context.Context, po PreviewOptions) (*Result, error) {
	return s.withReleaseValues(ctx, "preview", func(values Values) (*Result, error) {
		if !inCI() {
			return s.Session.Preview(ctx, values.Config(), po)
		}
		var res *Result
		err := s.journaled(ctx, "preview", journal.Entry{Release: journalRelease(values, nil)}, func(end *journal.Entry) error {
			var err error
			res, err = s.Session.Preview(ctx, values.Config(), po)
			if res != nil {
				end.Changes = res.Changes
			}
			return err
		})
		return res, err
	})
}

// withReleaseValues runs op under the stack lock with the release values
// this run resolves (flags over the last deployed ones).
func (s *Session) withReleaseValues(ctx context.Context, op string, run func(Values) (*Result, error)) (*Result, error) {
	unlock, err := s.Lock(op)
	if err != nil {
		return nil, err
	}
	defer unlock()
	values, err := s.ReleaseValues(ctx)
	if err != nil {
		return nil, err
	}
	return run(values)
}

// Up applies the program to the stack.
func (s *Session) Up(ctx context.Context, uo UpOptions) (*Result, error) {
	return s.withReleaseValues(ctx, "up", func(values Values) (*Result, error) {
		return s.Session.Up(ctx, values.Config(), uo)
	})
}

// Refresh reads the real (or simulated) resources back into state and
// reports drift as update/delete changes.
func (s *Session) Refresh(ctx context.Context) (*Result, error) {
	return s.engineOp(ctx, "refresh", s.Session.Refresh)
}

// Destroy deletes every resource of the stack. The stack and its history
// stay in the backend.
func (s *Session) Destroy(ctx context.Context) (*Result, error) {
	return s.engineOp(ctx, "destroy", s.Session.Destroy)
}

// PreviewDestroy lists what Destroy would delete, changing nothing, so the
// CLI can show it before asking. The Result is a preview whose resources
// are all deletes.
func (s *Session) PreviewDestroy(ctx context.Context) (*Result, error) {
	return s.engineOp(ctx, "preview", s.Session.PreviewDestroy)
}

// PreviewRefresh reports the drift Refresh would write into state,
// changing nothing, so the CLI can show it before asking.
func (s *Session) PreviewRefresh(ctx context.Context) (*Result, error) {
	return s.engineOp(ctx, "preview", s.Session.PreviewRefresh)
}

// Drift refreshes in preview mode: it reads the live resources and reports
// what differs from state (as update/delete changes) without writing
// anything, so it is safe to run on a schedule against product. Drift is
// announced.
func (s *Session) Drift(ctx context.Context) (*Result, error) {
	unlock, err := s.Lock("drift")
	if err != nil {
		return nil, err
	}
	defer unlock()
	res, err := s.Session.Drift(ctx)
	if err != nil {
		return nil, err
	}
	if res.HasChanges() {
		// The alarm topic is named by the outputs, which nothing in a
		// drift check read yet: without them the message would reach
		// only Slack or a webhook, never the topic's subscribers.
		if s.alarmTopic == "" {
			if _, err := s.Outputs(ctx); err != nil {
				s.Phase("warning: drift is not published to the alarm topic: %s", engine.FirstLine(err.Error()))
			}
		}
		s.announce(ctx, notify.Event{Kind: notify.DriftFound, Changes: res.Changes,
			Reason: fmt.Sprintf("%d resources differ from state", len(res.Resources))})
	}
	return res, nil
}

// engineOp runs one locked, journaled engine operation whose outcome is
// its event stream (the engine's Result is never nil).
func (s *Session) engineOp(ctx context.Context, op string, run func(context.Context) (*engine.Result, error)) (*Result, error) {
	unlock, err := s.Lock(op)
	if err != nil {
		return nil, err
	}
	defer unlock()
	var res *Result
	err = s.journaled(ctx, op, journal.Entry{}, func(end *journal.Entry) error {
		r, err := run(ctx)
		end.Changes = r.Changes
		if err != nil {
			return err
		}
		res = r
		return nil
	})
	return res, err
}
