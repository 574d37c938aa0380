package view

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/kirikae/kirikae/deploy"
)

var _ View = (*Human)(nil)

// HumanOptions tune the terminal rendering.
type HumanOptions struct {
	// TTY enables the status line. Without it output is append-only, so
	// CI logs and golden files never contain carriage returns.
	TTY bool
	// Color enables ANSI colours; the caller sets it to TTY && NO_COLOR
	// unset.
	Color bool
	// ShowDiff adds a property-level diff per changed resource to the
	// closing summary.
	ShowDiff bool
}

// Human renders for a person at a terminal or reading a CI log.
type Human struct {
	out, errOut io.Writer
	opts        HumanOptions

	mu sync.Mutex
	// shown holds URNs that already have a step line, so the step-done
	// event of an update is not mistaken for refresh drift.
	shown map[string]bool
	lines int // step and diagnostic lines printed
	// errs are the error diagnostics printed, as the engine keeps them
	// for the closing error (first line, no "error: ").
	errs []string

	// planned holds URNs the release plan listed: their steps are not
	// printed again while the plan is applied (the status line counts them).
	planned map[string]bool
	// total is the number of resources the plan changes, 0 when unknown.
	total int

	// Status line (TTY only).
	status   int // runes of the status line on screen; 0 = none
	frame    int
	start    time.Time
	phase    string            // preview, stage, switch, upload, verify, …
	active   map[string]string // URN → name of steps in progress
	changed  map[string]bool   // URNs whose change has finished
	ticking  bool
	stop     chan struct{}
	wg       sync.WaitGroup
	now      func() time.Time
	interval time.Duration // spinner frame rate; tests set 0 to draw only on events
}

// NewHuman returns the terminal view: results to out, notices to errOut.
func NewHuman(out, errOut io.Writer, opts HumanOptions) View {
	return newHuman(out, errOut, opts)
}

func newHuman(out, errOut io.Writer, opts HumanOptions) *Human {
	return &Human{
		out: out, errOut: errOut, opts: opts,
		shown:    map[string]bool{},
		planned:  map[string]bool{},
		active:   map[string]string{},
		changed:  map[string]bool{},
		now:      time.Now,
		interval: 120 * time.Millisecond,
	}
}

// ANSI SGR codes used by the human view.
const (
	bold    = "1"
	dim     = "2"
	red     = "31"
	green   = "32"
	yellow  = "33"
	magenta = "35"
	cyan    = "36"
)

// c colours s when colour is on.
func (h *Human) c(code, s string) string {
	if !h.opts.Color || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func opColor(op string) string {
	switch op {
	case deploy.OpCreate:
		return green
	case deploy.OpUpdate:
		return yellow
	case deploy.OpReplace:
		return magenta
	case deploy.OpDelete:
		return red
	}
	return cyan
}

// stepPrefix is "  + create   ": the marker ("+-" for replace, as pulumi
// prints it) and the op, padded so type names line up.
func stepPrefix(op string) string {
	sym := symbol(op) + " "
	if op == deploy.OpReplace {
		sym = "+-"
	}
	return fmt.Sprintf("  %s%-9s", sym, op)
}

// stepLine is one resource step: prefix, type, name and a suffix.
func (h *Human) stepLine(op, label, typ, name, suffix string) string {
	line := h.c(opColor(op), stepPrefix(label)) + fmt.Sprintf("%-30s %s", typ, name)
	if suffix != "" {
		line += " " + h.c(dim, suffix)
	}
	return line
}

// Notice writes msg to errOut, clearing the status line around it because
// both usually share one terminal.
func (h *Human) Notice(msg string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.clearStatus()
	fmt.Fprintln(h.errOut, h.c(dim, clean(msg)))
	h.drawStatus()
}

// Event prints resource steps and diagnostics as the engine reports them.
func (h *Human) Event(e deploy.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.track(e)
	if line := h.eventLine(e); line != "" {
		h.clearStatus()
		fmt.Fprintln(h.out, line)
		h.lines++
		if e.Kind == deploy.EventDiagnostic && e.Severity == "error" {
			msg, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(e.Message), "error: "), "\n")
			h.errs = append(h.errs, strings.TrimSpace(msg))
		}
	}
	if h.opts.TTY {
		h.startTicker()
		h.drawStatus()
	}
}

// ShownErrors are the error diagnostics this view has printed, so the
// command's closing line need not say them again.
func (h *Human) ShownErrors() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.errs...)
}

func (h *Human) eventLine(e deploy.Event) string {
	switch e.Kind {
	case deploy.EventStepStarted:
		var suffix string
		switch e.Op {
		case deploy.OpCreate, deploy.OpDelete:
		case deploy.OpUpdate:
			if len(e.Diffs) > 0 {
				suffix = "(" + truncate(strings.Join(e.Diffs, ", "), maxValue) + ")"
			}
		case deploy.OpReplace:
			if len(e.Diffs) > 0 {
				suffix = "[replaces: " + truncate(strings.Join(e.Diffs, ", "), maxValue) + "]"
			}
		default:
			// same/read/refresh are not changes; create-replacement and
			// delete-replaced are the halves of a "replace" already shown.
			return ""
		}
		if h.planned[e.URN] {
			// The plan listed it; the status line counts it instead.
			h.shown[e.URN] = true
			return ""
		}
		h.shown[e.URN] = true
		return h.stepLine(e.Op, e.Op, e.Type, e.Name, suffix)
	case deploy.EventStepDone:
		// A refresh reports drift only on completion.
		if (e.Op == deploy.OpUpdate || e.Op == deploy.OpDelete) && !h.shown[e.URN] {
			h.shown[e.URN] = true
			suffix := "(deleted outside kirikae)"
			if e.Op == deploy.OpUpdate {
				suffix = "(drifted"
				if len(e.Diffs) > 0 {
					suffix += ": " + truncate(strings.Join(e.Diffs, ", "), maxValue)
				}
				suffix += ")"
			}
			return h.stepLine(e.Op, e.Op, e.Type, e.Name, suffix)
		}
	case deploy.EventPhase:
		if e.Message == "" {
			return "" // names the phase for the status line only
		}
		return h.c(cyan, "  → ") + h.c(bold, clean(e.Message))
	case deploy.EventStepFailed:
		return h.c(red, "  ✗ failed   ") + fmt.Sprintf("%-30s %s", e.Type, e.Name)
	case deploy.EventDiagnostic:
		return h.diagnostic(e)
	}
	return ""
}

// diagnostic shows errors and warnings; info is dropped unless a resource
// (its provider or the program) sent it, to keep the log quiet.
func (h *Human) diagnostic(e deploy.Event) string {
	msg := clean(e.Message)
	var label string
	switch e.Severity {
	case "error":
		label = h.c(red, "error:")
		msg = strings.TrimPrefix(msg, "error: ")
	case "warning":
		label = h.c(yellow, "warning:")
		msg = strings.TrimPrefix(msg, "warning: ")
	default:
		if e.URN == "" || e.Name == "" {
			return ""
		}
		label = h.c(dim, "info:")
		msg = e.Name + ": " + msg
	}
	if msg == "" {
		return ""
	}
	return "  " + label + " " + strings.ReplaceAll(msg, "\n", "\n    ")
}

// track keeps the counts the status line shows.
func (h *Human) track(e deploy.Event) {
	if h.start.IsZero() {
		h.start = h.now()
	}
	switch e.Kind {
	case deploy.EventPhase:
		h.phase = e.Phase
	case deploy.EventStepStarted:
		if changeOp(e.Op) {
			h.active[e.URN] = e.Name
		}
	case deploy.EventStepDone, deploy.EventStepFailed:
		delete(h.active, e.URN)
		if e.Kind == deploy.EventStepDone && changeOp(e.Op) {
			h.changed[e.URN] = true
		}
	}
}

// changeOp reports steps that change a resource; "same" steps are not
// progress a person waits for.
func changeOp(op string) bool {
	switch op {
	case deploy.OpCreate, deploy.OpUpdate, deploy.OpReplace, deploy.OpDelete,
		"create-replacement", "delete-replaced":
		return true
	}
	return false
}

// startTicker animates the spinner between events; called with mu held.
func (h *Human) startTicker() {
	if h.ticking || h.interval <= 0 {
		return
	}
	h.ticking = true
	h.stop = make(chan struct{})
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(h.interval)
		defer t.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-t.C:
				h.mu.Lock()
				h.frame++
				h.clearStatus()
				h.drawStatus()
				h.mu.Unlock()
			}
		}
	}()
}

var spinner = []rune("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")

// drawStatus writes the status line; called with mu held. It stays short
// so it never wraps: "\r" only returns to the start of the last row.
func (h *Human) drawStatus() {
	if !h.opts.TTY || h.start.IsZero() {
		return
	}
	text := h.statusText()
	width := utf8.RuneCountInString(text)
	// Pad over the rest of a longer previous line instead of erasing it
	// first, which would flicker.
	pad := strings.Repeat(" ", max(h.status-width, 0))
	h.status = max(width, h.status)
	fmt.Fprint(h.out, "\r"+h.c(dim, text)+pad)
}

// statusText is "⠋ stage · 3/46 changed · 12s · cluster": the phase, the
// resources changed so far (unchanged ones are not progress), the time and
// one step in progress.
func (h *Human) statusText() string {
	phase := h.phase
	if phase == "" {
		phase = "apply"
	}
	text := fmt.Sprintf("%c %s", spinner[h.frame%len(spinner)], phase)
	switch n := len(h.changed); {
	case phase == "preview":
		// Nothing changes while previewing.
	case h.total > 0:
		text += fmt.Sprintf(" · %d/%d changed", min(n, h.total), h.total)
	case n > 0:
		text += fmt.Sprintf(" · %d changed", n)
	}
	text += " · " + duration(h.now().Sub(h.start))
	if name := h.current(); name != "" {
		text += " · " + truncate(name, 24)
	}
	return text
}

// current is one in-progress step to name, chosen stably.
func (h *Human) current() string {
	var first string
	for _, urn := range sortedKeys(h.active) {
		if h.active[urn] != "" {
			first = h.active[urn]
			break
		}
	}
	return first
}

// clearStatus erases the status line with spaces rather than an ANSI
// erase, so a NO_COLOR terminal receives no escape codes at all.
func (h *Human) clearStatus() {
	if h.status == 0 {
		return
	}
	fmt.Fprint(h.out, "\r"+strings.Repeat(" ", h.status)+"\r")
	h.status = 0
}

// finish stops the spinner and clears its line before a result prints.
func (h *Human) finish() {
	h.mu.Lock()
	if h.ticking {
		close(h.stop)
		h.ticking = false
	}
	h.mu.Unlock()
	// Wait outside the lock: the ticker goroutine takes it to draw.
	h.wg.Wait()
	h.mu.Lock()
	h.clearStatus()
	h.start = time.Time{}
	h.phase = ""
	h.mu.Unlock()
}

// Close stops the status line.
func (h *Human) Close() error {
	h.finish()
	return nil
}
