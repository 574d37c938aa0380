package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/view"
)

// factory builds what commands need from the global flags; tests replace
// the run functions instead, so parsing is tested apart from execution.
type factory struct {
	io      *IO
	globals *Globals
	// humans are the human views this run created: what they printed is
	// not repeated by the closing error line (see sayOnce).
	humans []interface{ ShownErrors() []string }
}

// viewOptions select a rendering.
type viewOptions struct {
	diff     bool // property-level diff in the human summary
	stream   bool // JSON lines of events (up --json)
	markdown bool // markdown rendering (preview --markdown)
	command  string
}

func (f *factory) view(o viewOptions) view.View {
	switch {
	case o.markdown:
		return view.NewMarkdown(f.io.Out, view.MarkdownOptions{Command: o.command})
	case f.globals.JSON:
		return view.NewJSON(f.io.Out, view.JSONOptions{Stream: o.stream})
	default:
		// NO_COLOR asks for plain output: no colour, and no spinner or
		// status line redrawn with carriage returns either.
		plain := os.Getenv("NO_COLOR") != ""
		h := view.NewHuman(f.io.Out, f.io.ErrOut, view.HumanOptions{TTY: f.io.TTY && !plain, Color: f.io.TTY && !plain, ShowDiff: o.diff})
		if shows, ok := h.(interface{ ShownErrors() []string }); ok {
			f.humans = append(f.humans, shows)
		}
		return h
	}
}

// shownErrors are the error diagnostics the command's views printed.
func (f *factory) shownErrors() []string {
	var out []string
	for _, h := range f.humans {
		out = append(out, h.ShownErrors()...)
	}
	return out
}

// previewing tells the view that planning started: a terminal shows a
// spinner while the engine previews, instead of nothing.
func previewing(v view.View) {
	v.Event(deploy.Event{Kind: deploy.EventPhase, Time: time.Now().UTC(), Phase: "preview"})
}

// phasesOnly passes on kirikae's phase lines and drops the engine's step
// events: while a plan is made, a recovery from an interrupted operation
// (deploy/recover.go) says what it does, and the preview's steps are shown
// once, in the plan.
func phasesOnly(next func(deploy.Event)) func(deploy.Event) {
	return func(e deploy.Event) {
		if e.Kind == deploy.EventPhase {
			next(e)
		}
	}
}

// quietAfterCancel passes events on, except the errors an interrupted
// engine reports after Ctrl-C ("update failed"): Main closes a cancelled
// command with one line, "cancelled by you", and they would read as a crash.
func quietAfterCancel(ctx context.Context, next func(deploy.Event)) func(deploy.Event) {
	return func(e deploy.Event) {
		if ctx.Err() != nil && e.Kind == deploy.EventDiagnostic && e.Severity == "error" {
			return
		}
		next(e)
	}
}

// requireStack fails with the stacks that exist when --stack is missing.
func (f *factory) requireStack() error {
	if f.globals.Stack != "" {
		return nil
	}
	return usageError("--stack is required (or set KIRIKAE_STACK); " + f.knownStacks())
}

func (f *factory) knownStacks() string {
	names, err := stacksIn(f.globals.Cwd)
	if err != nil || len(names) == 0 {
		return "no Pulumi.<stack>.yaml found in " + f.globals.Cwd
	}
	return fmt.Sprintf("stacks: %v", names)
}

// open opens the stack named by --stack, telling the user once when the
// run is simulated.
func (f *factory) open(ctx context.Context, v view.View, overrides map[string]string, readOnly bool) (*deploy.Session, error) {
	if err := f.requireStack(); err != nil {
		return nil, err
	}
	opts := f.deployOptions(v, overrides)
	opts.ReadOnly = readOnly
	opts.OnEvent = quietAfterCancel(ctx, v.Event)
	s, err := deploy.Open(ctx, opts)
	if err != nil {
		return nil, err
	}
	// Said after opening, so an error stays the only line of a failed run.
	if f.globals.Sandbox {
		v.Notice("sandbox: simulated AWS under .kirikae/sandbox, real Pulumi engine; nothing is created in AWS")
	}
	if s.NeverDeployed {
		v.Notice(fmt.Sprintf("%s has no state in the backend yet: this shows its first deploy, against an empty state of its own (nothing is written to the backend)", f.globals.Stack))
	}
	return s, nil
}

// withStack opens --stack, hands the session to fn, and closes it.
func (f *factory) withStack(ctx context.Context, v view.View, overrides map[string]string, fn func(*deploy.Session) error) error {
	return f.withSession(ctx, v, overrides, false, fn)
}

// withReadOnlyStack is withStack for a run that writes nothing, neither
// lock, journal entry nor record: preview and drift, which PR code and the
// nightly check run with roles that may not write (docs/roles.md).
func (f *factory) withReadOnlyStack(ctx context.Context, v view.View, overrides map[string]string, fn func(*deploy.Session) error) error {
	return f.withSession(ctx, v, overrides, true, fn)
}

func (f *factory) withSession(ctx context.Context, v view.View, overrides map[string]string, readOnly bool, fn func(*deploy.Session) error) error {
	s, err := f.open(ctx, v, overrides, readOnly)
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(s)
}

func (f *factory) deployOptions(v view.View, overrides map[string]string) deploy.Options {
	return deploy.Options{
		ProjectDir: f.globals.Cwd,
		Stack:      f.globals.Stack,
		Sandbox:    f.globals.Sandbox,
		Backend:    f.globals.Backend,
		Overrides:  overrides,
		CLI: deploy.CLIOptions{
			Explicit:     os.Getenv("KIRIKAE_PULUMI"),
			Progress:     v.Notice,
			EngineStderr: f.engineStderr(),
		},
		OnEvent:    v.Event,
		Invocation: f.invocation(),
	}
}

// engineStderr is where the engine's own stderr goes: ours with --verbose.
func (f *factory) engineStderr() io.Writer {
	if !f.globals.Verbose {
		return nil
	}
	return f.io.ErrOut
}

// invocation is the options in effect that every suggested command repeats.
func (f *factory) invocation() deploy.Invocation {
	return deploy.Invocation{Stack: f.globals.Stack, Sandbox: f.globals.Sandbox, Cwd: f.globals.Cwd, Backend: f.globals.Backend}
}
