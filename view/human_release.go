package view

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kirikae/kirikae/deploy"
)

// Plan prints the release plan: what switches, what is replaced (flagged),
// the expected downtime and the command that would undo it.
func (h *Human) Plan(p *deploy.Plan) error {
	if p == nil {
		return errNilResult
	}
	var b strings.Builder
	h.summaryStart(&b)
	fmt.Fprintf(&b, "%s\n", h.c(bold, fmt.Sprintf("Release plan for %s (%s)", p.Stack, p.Kind)))
	t := table{paint: func(_, col int, s string) string {
		if col == 0 {
			return h.c(dim, s)
		}
		return s
	}}
	if p.From != nil {
		t.add("applies", p.From.Name())
	}
	if p.Watch != "" {
		t.add("watch", p.Watch)
	}
	if p.Reverify != nil {
		t.add("verify", h.c(yellow, p.Reverify.Say()))
	}
	first := p.First && p.Preview != nil
	switch {
	case first:
		t.add("first deploy", fmt.Sprintf("%s, nothing to switch", plural(len(p.Preview.Resources), "resource")))
	case len(p.Switches) == 0:
		t.add("switch", "nothing: release values stay as they are")
	}
	for _, sw := range p.Switches {
		if !first {
			t.add("switch", sw)
		}
	}
	for _, r := range p.Replaces {
		t.add("replace", h.c(magenta, fmt.Sprintf("%s %s (replaced, not switched)", r.Type, r.Name)))
	}
	if p.Preview != nil {
		c := counts(p.Preview)
		if changed(c) > 0 {
			t.add("changes", countList("preview", c))
		} else {
			t.add("changes", "none")
		}
	}
	if !first {
		t.add("downtime", p.Downtime)
	}
	if p.Migration != "" {
		t.add("database", p.Migration)
	}
	if p.Fast {
		t.add("fast path", fmt.Sprintf("update limited to %s", plural(len(p.Targets), "switch resource")))
	}
	if p.RollbackCommand != "" {
		t.add("undo with", p.RollbackCommand)
	}
	t.render(&b, "  ")
	if p.Preview != nil {
		for _, r := range p.Preview.Resources {
			b.WriteString("  " + h.stepLine(r.Op, r.Op, r.Type, r.Name, "") + "\n")
		}
	}
	err := h.write(b.String())
	h.mu.Lock()
	defer h.mu.Unlock()
	if p.Preview != nil {
		// Listed once, here: applying them adds no second list.
		for _, r := range p.Preview.Resources {
			h.planned[r.URN] = true
		}
		h.total = len(p.Preview.Resources)
	}
	return err
}

// Deployed prints what went live, the verification checks and the release.
func (h *Human) Deployed(r *deploy.DeployResult) error {
	if r == nil {
		return errNilResult
	}
	var b strings.Builder
	h.summaryStart(&b)
	verb := map[string]string{"rollback": "Rolled back", "promote": "Promoted", "auto-rollback": "Rolled back"}[r.Kind]
	if verb == "" {
		verb = "Deployed"
	}
	head := fmt.Sprintf("%s %s to %s (release %d, verification %s): %s, %s (%s)",
		verb, r.Release.Name(), r.Stack, r.Release.ID, r.Release.Verified,
		plural(r.Updates, "engine update"), touched(r), duration(r.Duration))
	b.WriteString(h.c(bold, head) + "\n")
	for _, c := range r.Checks {
		mark, color := "✓", green
		if !c.OK {
			mark, color = "✗", red
		}
		detail := fmt.Sprintf("%d", c.Status)
		if c.Version != "" {
			detail += " " + c.Version
		}
		if c.Err != "" {
			detail = c.Err
		}
		fmt.Fprintf(&b, "  %s %-9s %s%s  %s\n", h.c(color, mark), c.Check.Name, c.Check.URL, c.Check.Path, detail)
	}
	if len(r.Pruned) > 0 {
		fmt.Fprintf(&b, "  pruned frontend releases: %s\n", strings.Join(r.Pruned, ", "))
	}
	for _, a := range r.AlarmsBefore {
		fmt.Fprintf(&b, "  %s alarm %s was already in ALARM before the deploy; not blamed on this release\n", h.c(yellow, "!"), a)
	}
	if r.Result != nil {
		outputsTable(&b, r.Result.Outputs)
	}
	return h.write(b.String())
}

// Releases prints a table of releases with the command that restores each.
func (h *Human) Releases(stack string, rows []ReleaseRow) error {
	if len(rows) == 0 {
		return h.write(fmt.Sprintf("No releases yet: %s has never been deployed.\n", stack))
	}
	t := table{paint: func(row, col int, s string) string {
		if row == 0 {
			return h.c(bold, s)
		}
		if col == 2 {
			return h.c(verifiedColor(s), s)
		}
		return s
	}}
	t.add("ID", "KIND", "VERIFIED", "WHEN", "IMAGE", "LAMBDA", "FRONTEND", "COMMIT", "ROLLBACK")
	for _, r := range rows {
		id, restore := strconv.Itoa(r.ID), r.RollbackCommand
		if r.Live {
			id, restore = id+" *", "(live now)"
		}
		t.add(id, r.Kind, r.Verified, stamp(r.When), dash(r.ImageTag), dash(r.LambdaVersion),
			dash(r.FrontendRelease), dash(r.Commit), dash(restore))
	}
	var b strings.Builder
	t.render(&b, "")
	return h.write(b.String())
}

// touched is "3 resources touched: 2 updated, 1 replaced".
func touched(r *deploy.DeployResult) string {
	out := plural(r.Touched, "resource") + " touched"
	if len(r.Changes) > 0 {
		out += ": " + countList("up", r.Changes)
	}
	return out
}

func verifiedColor(v string) string {
	switch v {
	case "passed":
		return green
	case "failed":
		return red
	default:
		return yellow
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
