package engine

import (
	"context"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/kirikae/kirikae/stacks"
)

// The operations below run one engine operation each. None takes the
// stack's lock: callers hold it (see Lock) for as long as their whole
// operation runs, which may span several engine runs.

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

// Preview computes what Up would change with these release values.
// Nothing is applied.
func (s *Session) Preview(ctx context.Context, values map[string]string, po PreviewOptions) (*Result, error) {
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

// Up applies the program to the stack with these release values.
func (s *Session) Up(ctx context.Context, values map[string]string, uo UpOptions) (*Result, error) {
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
	// The SDK reads outputs and a summary after the update (three
	// processes); the workspace answers those reads from nothing and the
	// outputs come from the update's own events (see workspace).
	stop := s.ws.skippingSummary()
	_, err := s.stack.Up(ctx, opts...)
	stop()
	drain(done, err)
	if err != nil {
		return nil, s.classify("up", err, c.errors)
	}
	res := s.result("up", c, start)
	if c.rootOutputs == nil {
		// Not seen in the events (an update that skipped the root stack):
		// read them from the state.
		out, err := s.Outputs(ctx)
		if err != nil {
			return nil, err
		}
		res.Outputs = out
		return res, nil
	}
	res.Outputs = eventOutputs(c.rootOutputs)
	return res, nil
}

// Refresh reads the real (or simulated) resources back into state and
// reports drift as update/delete changes. Like every operation here whose
// outcome is its event stream, its Result is never nil: after a failure it
// holds the changes seen before it.
func (s *Session) Refresh(ctx context.Context) (*Result, error) {
	return s.streamOp("refresh", func(ch chan<- events.EngineEvent) error {
		defer s.ws.skippingSummary()()
		_, err := s.stack.Refresh(ctx, optrefresh.EventStreams(ch))
		return err
	})
}

// Destroy deletes every resource of the stack. The stack and its history
// stay in the backend.
func (s *Session) Destroy(ctx context.Context) (*Result, error) {
	return s.streamOp("destroy", func(ch chan<- events.EngineEvent) error {
		defer s.ws.skippingSummary()()
		_, err := s.stack.Destroy(ctx, optdestroy.EventStreams(ch))
		return err
	})
}

// PreviewDestroy lists what Destroy would delete, changing nothing. The
// Result is a preview whose resources are all deletes.
func (s *Session) PreviewDestroy(ctx context.Context) (*Result, error) {
	return s.streamOp("preview", func(ch chan<- events.EngineEvent) error {
		_, err := s.stack.PreviewDestroy(ctx, optdestroy.EventStreams(ch))
		return err
	})
}

// PreviewRefresh reports the drift Refresh would write into state,
// changing nothing.
func (s *Session) PreviewRefresh(ctx context.Context) (*Result, error) {
	return s.previewRefresh(ctx, "preview")
}

// Drift refreshes in preview mode: it reads the live resources and reports
// what differs from state (as update/delete changes) without writing
// anything, so it is safe to run on a schedule against product.
func (s *Session) Drift(ctx context.Context) (*Result, error) {
	return s.previewRefresh(ctx, "drift")
}

// previewRefresh runs a refresh in preview mode, reported as op.
func (s *Session) previewRefresh(ctx context.Context, op string) (*Result, error) {
	return s.streamOp(op, func(ch chan<- events.EngineEvent) error {
		_, err := s.stack.PreviewRefresh(ctx, optrefresh.EventStreams(ch))
		return err
	})
}

// streamOp runs one engine operation whose outcome is its event stream.
func (s *Session) streamOp(op string, run func(chan<- events.EngineEvent) error) (*Result, error) {
	start := time.Now()
	ch, c, done := s.stream()
	err := run(ch)
	drain(done, err)
	res := s.result(op, c, start)
	if err != nil {
		return res, s.classify(op, err, c.errors)
	}
	return res, nil
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
	withoutRootStack(out)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// withoutRootStack takes the root pulumi:pulumi:Stack resource out of
// Pulumi's change counts (hist is newest first), so history counts what
// plans, summaries and `stacks` count: the program's resources. The root is
// created by the first update that creates anything and deleted by a
// destroy; in between it is "same".
func withoutRootStack(hist []Update) {
	exists := false
	for i := len(hist) - 1; i >= 0; i-- {
		c := hist[i].Changes
		switch {
		case hist[i].Kind == "destroy" && exists && c[OpDelete] > 0:
			c[OpDelete]--
			exists = false
		case hist[i].Kind == "update" && !exists && c[OpCreate] > 0:
			c[OpCreate]--
			exists = true
		}
		if c != nil && exists && hist[i].Kind == "update" && c[OpSame] > 0 {
			c[OpSame]--
		}
	}
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

// eventOutputs converts the root stack's outputs as an event shows them:
// the engine masks secrets there as "[secret]".
func eventOutputs(m map[string]any) map[string]Output {
	out := make(map[string]Output, len(m))
	for k, v := range m {
		if v == plugin.UnknownStringValue {
			// An update limited by targets leaves outputs that depend on
			// resources it did not create unknown: they are not there.
			continue
		}
		out[k] = Output{Value: v, Secret: v == secretMask}
	}
	return out
}

// secretMask is how the engine's events and `stack output` show a secret.
const secretMask = "[secret]"

func outputs(m auto.OutputMap) map[string]Output {
	out := make(map[string]Output, len(m))
	for k, v := range m {
		if v.Value == plugin.UnknownStringValue {
			continue // see eventOutputs
		}
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
