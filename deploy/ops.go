package deploy

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/kirikae/kirikae/journal"
	"github.com/kirikae/kirikae/notify"
	"github.com/kirikae/kirikae/stacks"
)

// PreviewOptions tune a preview.
type PreviewOptions struct {
	// Targets limits the preview to these URNs (and nothing else).
	Targets []string
}

// UpOptions tune an update.
type UpOptions struct {
	Message string
	// Targets limits the update to these URNs; rollback's fast path uses it
	// to touch only the switch resources.
	Targets []string
}

// ReleaseValues returns the release values this run applies: the flags'
// overrides over the values live now. Without this, `up` with no --image
// would silently put the repo file's imageTag back live.
func (s *Session) ReleaseValues(ctx context.Context) (map[string]string, error) {
	outs, err := s.Outputs(ctx)
	if err != nil {
		return nil, err
	}
	last, _, err := s.liveConfig(ctx, outs)
	if err != nil {
		return nil, err
	}
	values := map[string]string{}
	for _, k := range releaseKeys() {
		if v, ok := last[k]; ok {
			values[k] = v
		}
		if v, ok := s.opts.Overrides[k]; ok {
			values[k] = v
		}
	}
	return values, nil
}

// use writes release values into the workspace's stack file and makes them
// the program's config, so Pulumi's history snapshot records exactly what
// was applied. Every engine run calls it with its own values: one deploy
// runs several updates (stage, switch, rollback) with different values in
// the same session.
func (s *Session) use(values map[string]string) error {
	base, err := stacks.Load(s.opts.ProjectDir, s.opts.Stack)
	if err != nil {
		return err
	}
	cfg, err := base.With(values)
	if err != nil {
		return err
	}
	if err := s.writeStackFile(filepath.Join(s.Paths.Work, s.opts.Stack), values); err != nil {
		return err
	}
	s.Config = cfg
	return nil
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

// stream wires an event channel to a collector for one operation.
func (s *Session) stream() (chan events.EngineEvent, *collector, chan struct{}) {
	ch := make(chan events.EngineEvent)
	c := newCollector(s.opts.OnEvent)
	done := make(chan struct{})
	go c.run(ch, done)
	return ch, c, done
}

func (s *Session) result(op string, c *collector, start time.Time) *Result {
	return &Result{
		Operation: op,
		Stack:     s.opts.Stack,
		Sandbox:   s.opts.Sandbox,
		Changes:   c.changes,
		Resources: c.resources,
		Duration:  time.Since(start),
	}
}

// drain waits for the event stream to end. The Automation API closes our
// channel only when the CLI ends its event stream; a CLI that failed before
// connecting (unreadable state, bad backend) never does, so after an error
// the wait is bounded instead of hanging the command forever.
func drain(done <-chan struct{}, err error) {
	if err == nil {
		<-done
		return
	}
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
}

// Preview computes what Up would change. Nothing is applied. In CI the
// preview is journaled: it is what reviewers approved.
func (s *Session) Preview(ctx context.Context, po PreviewOptions) (*Result, error) {
	return s.withReleaseValues(ctx, "preview", func(values map[string]string) (*Result, error) {
		if !inCI() {
			return s.preview(ctx, values, po)
		}
		var res *Result
		err := s.journaled(ctx, "preview", journal.Entry{Release: journalRelease(values, nil)}, func(end *journal.Entry) error {
			var err error
			res, err = s.preview(ctx, values, po)
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
func (s *Session) withReleaseValues(ctx context.Context, op string, run func(map[string]string) (*Result, error)) (*Result, error) {
	unlock, err := s.lock(op)
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

// preview runs a preview with explicit release values; the caller holds
// the lock.
func (s *Session) preview(ctx context.Context, values map[string]string, po PreviewOptions) (*Result, error) {
	if err := s.use(values); err != nil {
		return nil, err
	}
	start := time.Now()
	ch, c, done := s.stream()
	opts := []optpreview.Option{optpreview.EventStreams(ch), optpreview.Diff()}
	if len(po.Targets) > 0 {
		opts = append(opts, optpreview.Target(po.Targets))
	}
	_, err := s.stack.Preview(ctx, opts...)
	drain(done, err)
	if err != nil {
		return nil, s.classify("preview", err, c.errors)
	}
	return s.result("preview", c, start), nil
}

// Up applies the program to the stack.
func (s *Session) Up(ctx context.Context, uo UpOptions) (*Result, error) {
	return s.withReleaseValues(ctx, "up", func(values map[string]string) (*Result, error) {
		return s.up(ctx, values, uo)
	})
}

// up runs an update with explicit release values; the caller holds the
// lock.
func (s *Session) up(ctx context.Context, values map[string]string, uo UpOptions) (*Result, error) {
	if err := s.use(values); err != nil {
		return nil, err
	}
	start := time.Now()
	ch, c, done := s.stream()
	opts := []optup.Option{optup.EventStreams(ch), optup.Diff()}
	if uo.Message != "" {
		opts = append(opts, optup.Message(uo.Message))
	}
	if len(uo.Targets) > 0 {
		opts = append(opts, optup.Target(uo.Targets))
	}
	up, err := s.stack.Up(ctx, opts...)
	drain(done, err)
	if err != nil {
		return nil, s.classify("up", err, c.errors)
	}
	res := s.result("up", c, start)
	res.Outputs = outputs(up.Outputs)
	return res, nil
}

// Refresh reads the real (or simulated) resources back into state and
// reports drift as update/delete changes.
func (s *Session) Refresh(ctx context.Context) (*Result, error) {
	return s.engineOp(ctx, "refresh", func(ch chan<- events.EngineEvent) error {
		_, err := s.stack.Refresh(ctx, optrefresh.EventStreams(ch))
		return err
	})
}

// Drift refreshes in preview mode: it reads the live resources and reports
// what differs from state (as update/delete changes) without writing
// anything, so it is safe to run on a schedule against product.
func (s *Session) Drift(ctx context.Context) (*Result, error) {
	unlock, err := s.lock("drift")
	if err != nil {
		return nil, err
	}
	defer unlock()
	start := time.Now()
	ch, c, done := s.stream()
	_, err = s.stack.PreviewRefresh(ctx, optrefresh.EventStreams(ch))
	drain(done, err)
	if err != nil {
		return nil, s.classify("drift", err, c.errors)
	}
	res := s.result("drift", c, start)
	if res.HasChanges() {
		s.announce(ctx, notify.Event{Kind: notify.DriftFound, Changes: res.Changes,
			Reason: fmt.Sprintf("%d resources differ from state", len(res.Resources))})
	}
	return res, nil
}

// Destroy deletes every resource of the stack. The stack and its history
// stay in the backend.
func (s *Session) Destroy(ctx context.Context) (*Result, error) {
	return s.engineOp(ctx, "destroy", func(ch chan<- events.EngineEvent) error {
		_, err := s.stack.Destroy(ctx, optdestroy.EventStreams(ch))
		return err
	})
}

// engineOp runs one locked engine operation whose outcome is its event
// stream, and numbers it from history.
func (s *Session) engineOp(ctx context.Context, op string, run func(chan<- events.EngineEvent) error) (*Result, error) {
	unlock, err := s.lock(op)
	if err != nil {
		return nil, err
	}
	defer unlock()
	var res *Result
	err = s.journaled(ctx, op, journal.Entry{}, func(end *journal.Entry) error {
		start := time.Now()
		ch, c, done := s.stream()
		err := run(ch)
		drain(done, err)
		end.Changes = c.changes
		if err != nil {
			return s.classify(op, err, c.errors)
		}
		res = s.result(op, c, start)
		return nil
	})
	return res, err
}

// History returns the stack's updates, newest first, numbered 1..N by age
// (the file backend reports every version as 0). limit > 0 keeps only the
// newest limit. It asks for every update in one page: the CLI's default
// page is 10 updates, which once made an 11th update look like the 10th.
func (s *Session) History(ctx context.Context, limit int) ([]Update, error) {
	raw, err := s.stack.History(ctx, allUpdates, 1)
	if err != nil {
		return nil, s.classify("history", err, nil)
	}
	out := make([]Update, 0, len(raw))
	for i, u := range raw {
		out = append(out, updateOf(u, len(raw)-i))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Version > out[j].Version })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// allUpdates is a page size larger than any stack's history.
const allUpdates = 1 << 30

func updateOf(u auto.UpdateSummary, version int) Update {
	up := Update{
		Version: version,
		Kind:    u.Kind,
		Result:  u.Result,
		Message: unquoteMessage(u.Message),
		Config:  map[string]string{},
	}
	up.StartTime, _ = time.Parse(time.RFC3339, u.StartTime)
	if u.EndTime != nil {
		up.EndTime, _ = time.Parse(time.RFC3339, *u.EndTime)
	}
	if u.ResourceChanges != nil {
		up.Changes = *u.ResourceChanges
	}
	for k, v := range u.Config {
		if v.Secret {
			v.Value = "[secret]"
		}
		up.Config[k] = v.Value
	}
	return up
}

// Outputs returns the stack's current outputs.
func (s *Session) Outputs(ctx context.Context) (map[string]Output, error) {
	out, err := s.stack.Outputs(ctx)
	if err != nil {
		return nil, s.classify("outputs", err, nil)
	}
	return outputs(out), nil
}

func outputs(m auto.OutputMap) map[string]Output {
	out := make(map[string]Output, len(m))
	for k, v := range m {
		out[k] = Output{Value: v.Value, Secret: v.Secret}
	}
	return out
}

// unquoteMessage undoes the Automation API's quoting: it passes
// --message=%q to the CLI, which stores the quotes.
func unquoteMessage(m string) string {
	if len(m) >= 2 && m[0] == '"' && m[len(m)-1] == '"' {
		if u, err := strconv.Unquote(m); err == nil {
			return u
		}
	}
	return m
}
