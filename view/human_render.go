package view

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/kirikae/kirikae/deploy"
)

// errNilResult guards against a command handing a view nothing to render.
var errNilResult = errors.New("view: nil result")

// write sends a fully rendered document in one call, so a write error is
// reported once and a document is never interleaved with the status line.
func (h *Human) write(s string) error {
	h.finish()
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.out, s)
	return err
}

// Result prints the closing summary, the diff when asked, and outputs.
func (h *Human) Result(r *deploy.Result) error {
	if r == nil {
		return errNilResult
	}
	var b strings.Builder
	h.summaryStart(&b)

	c := counts(r)
	if changed(c) == 0 && len(r.Resources) == 0 {
		b.WriteString(h.c(bold, noChanges(r)) + "\n")
	} else {
		b.WriteString(h.c(bold, h.headline(r, c)) + "\n")
		if h.opts.ShowDiff {
			h.diff(&b, r.Resources)
		}
	}
	outputsTable(&b, r.Outputs)
	return h.write(b.String())
}

// summaryStart sets a closing summary apart from the live step lines
// printed before it.
func (h *Human) summaryStart(b *strings.Builder) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.lines > 0 {
		b.WriteString("\n")
	}
	h.lines = 0
}

// outputsTable appends the stack outputs, secrets masked.
func outputsTable(b *strings.Builder, outputs map[string]deploy.Output) {
	if len(outputs) == 0 {
		return
	}
	b.WriteString("\nOutputs:\n")
	t := table{}
	for _, k := range sortedKeys(outputs) {
		if k == deploy.OutputReleaseValues {
			continue // kirikae's own bookkeeping; `releases` shows it readably
		}
		t.add(k, plain(outputs[k], maxValue))
	}
	t.render(b, "  ")
}

// headline is "Preview of staging: 3 to create, … (1.2s)" or
// "Updated staging: 3 created, … (1.2s)".
func (h *Human) headline(r *deploy.Result, c map[string]int) string {
	var verb string
	switch r.Operation {
	case "preview":
		return fmt.Sprintf("Preview of %s: %s (%s)", r.Stack, countList(r.Operation, c), duration(r.Duration))
	case "up":
		verb = "Updated"
	case "refresh":
		verb = "Refreshed"
	case "destroy":
		verb = "Destroyed"
	default:
		verb = "Finished " + r.Operation + " of"
	}
	s := verb + " " + r.Stack
	return fmt.Sprintf("%s: %s (%s)", s, countList(r.Operation, c), duration(r.Duration))
}

// diff lists each changed resource with its property changes.
func (h *Human) diff(b *strings.Builder, resources []deploy.ResourceChange) {
	b.WriteString("\n")
	for _, rc := range resources {
		b.WriteString(h.stepLine(rc.Op, rc.Op, rc.Type, rc.Name, "") + "\n")
		for _, p := range expandChanges(rc.Properties) {
			b.WriteString("    " + h.propLine(p) + "\n")
		}
	}
}

func (h *Human) propLine(p deploy.PropertyChange) string {
	line := diffLine(p)
	if strings.HasSuffix(p.Kind, "-replace") {
		line = strings.TrimSuffix(line, "  (forces replacement)") + "  " + h.c(magenta, "(forces replacement)")
	}
	return line
}

// History prints a table of updates, newest first.
func (h *Human) History(stack string, updates []deploy.Update) error {
	if len(updates) == 0 {
		return h.write(fmt.Sprintf("No updates yet: %s has never been deployed.\n", stack))
	}
	withMessage := false
	for _, u := range updates {
		withMessage = withMessage || u.Message != ""
	}
	t := table{paint: func(row, col int, s string) string {
		if row == 0 {
			return h.c(bold, s)
		}
		if col == 2 {
			return h.c(resultColor(s), s)
		}
		return s
	}}
	head := []string{"VERSION", "KIND", "RESULT", "STARTED", "DURATION", "CHANGES"}
	if withMessage {
		head = append(head, "MESSAGE")
	}
	t.add(head...)
	for _, u := range updates {
		took := "-"
		if !u.EndTime.IsZero() && !u.StartTime.IsZero() {
			took = duration(u.EndTime.Sub(u.StartTime))
		}
		row := []string{strconv.Itoa(u.Version), u.Kind, u.Result, stamp(u.StartTime), took, historyChanges(u.Changes)}
		if withMessage {
			row = append(row, truncate(oneLine(u.Message), 60))
		}
		t.add(row...)
	}
	var b strings.Builder
	t.render(&b, "")
	return h.write(b.String())
}

func resultColor(result string) string {
	switch result {
	case "succeeded":
		return green
	case "failed":
		return red
	}
	return yellow
}

// Outputs prints "key  value" lines; values are not cut, since reading
// them is the point of the command.
func (h *Human) Outputs(stack string, outputs map[string]deploy.Output) error {
	if len(outputs) == 0 {
		return h.write(fmt.Sprintf("No outputs: %s has not been deployed.\n", stack))
	}
	t := table{}
	for _, k := range sortedKeys(outputs) {
		t.add(k, plain(outputs[k], 0))
	}
	var b strings.Builder
	t.render(&b, "")
	return h.write(b.String())
}

// Stacks prints one row per stack.
func (h *Human) Stacks(rows []StackRow) error {
	if len(rows) == 0 {
		return h.write("No stacks: no Pulumi.<stack>.yaml found.\n")
	}
	t := table{paint: func(row, col int, s string) string {
		switch {
		case row == 0:
			return h.c(bold, s)
		case col == 2:
			return h.c(resultColor(s), s)
		case s == "never deployed":
			return h.c(dim, s)
		}
		return s
	}}
	t.add("NAME", "LAST UPDATE", "RESULT", "IMAGE", "RESOURCES")
	for _, r := range rows {
		if !r.Deployed {
			t.add(r.Name, "never deployed")
			continue
		}
		t.add(r.Name, stamp(r.LastUpdate), r.Result, r.ImageTag, strconv.Itoa(r.Resources))
	}
	var b strings.Builder
	t.render(&b, "")
	return h.write(b.String())
}

// ConfigCheck prints each stack file's verdict, parity gaps, and a final
// line that says whether anything needs fixing.
func (h *Human) ConfigCheck(report ConfigReport) error {
	var b strings.Builder
	problems := 0
	for _, s := range report.Stacks {
		if len(s.Problems) == 0 {
			fmt.Fprintf(&b, "%s %s  %s\n", h.c(green, "✓"), s.Stack, s.File)
			continue
		}
		problems += len(s.Problems)
		fmt.Fprintf(&b, "%s %s  %s\n", h.c(red, "✗"), s.Stack, s.File)
		for _, p := range s.Problems {
			b.WriteString("    " + strings.ReplaceAll(p, "\n", "\n    ") + "\n")
		}
	}
	if len(report.Parity) > 0 {
		b.WriteString(h.c(red, "✗") + " parity\n")
		for _, p := range report.Parity {
			b.WriteString("    " + p + "\n")
		}
	}
	if report.OK() {
		b.WriteString(h.c(green, "Config OK: every stack file is valid and sets the same keys.") + "\n")
	} else {
		b.WriteString(h.c(red, fmt.Sprintf("Config check failed: %s, %s.",
			plural(problems, "problem"), plural(len(report.Parity), "parity difference"))) + "\n")
	}
	return h.write(b.String())
}

// plural is "1 problem" / "2 problems".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Version prints one component per line.
func (h *Human) Version(v VersionInfo) error {
	cli := "not resolved"
	if v.PulumiCLI != "" {
		cli = v.PulumiCLI
	}
	return h.write(fmt.Sprintf("kirikae %s\npulumi %s (pinned), cli: %s\npulumi-aws sdk %s\ngo %s\n",
		v.Kirikae, v.Pulumi, cli, v.AWSSDK, v.Go))
}
