package view

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kirikae/kirikae/deploy"
)

// Plan writes the release plan as a short list.
func (m *Markdown) Plan(p *deploy.Plan) error {
	if p == nil {
		return errNilResult
	}
	var b strings.Builder
	fmt.Fprintf(&b, "### kirikae release plan: %s (%s)\n\n", mdEscape.Replace(p.Stack), mdEscape.Replace(p.Kind))
	first := p.First && p.Preview != nil
	if first {
		fmt.Fprintf(&b, "- first deploy: %s, nothing to switch\n", plural(len(p.Preview.Resources), "resource"))
	} else if len(p.Switches) == 0 {
		b.WriteString("- switch: nothing, release values stay as they are\n")
	}
	for _, sw := range p.Switches {
		if !first {
			fmt.Fprintf(&b, "- switch: %s\n", code(sw))
		}
	}
	for _, r := range p.Replaces {
		fmt.Fprintf(&b, "- **replace** ⚠️ %s %s\n", code(r.Type), code(r.Name))
	}
	if !first {
		fmt.Fprintf(&b, "- downtime: %s\n", mdEscape.Replace(p.Downtime))
	}
	if p.Migration != "" {
		fmt.Fprintf(&b, "- database: %s\n", mdEscape.Replace(p.Migration))
	}
	if p.RollbackCommand != "" {
		fmt.Fprintf(&b, "- undo with %s\n", codeSpan(p.RollbackCommand))
	}
	// A blank line ends the list: in a pull-request comment the preview's
	// heading follows.
	b.WriteString("\n")
	return m.write(fit(b.String(), m.opts.MaxBytes))
}

// Deployed writes the outcome and its checks.
func (m *Markdown) Deployed(r *deploy.DeployResult) error {
	if r == nil {
		return errNilResult
	}
	var b strings.Builder
	fmt.Fprintf(&b, "### kirikae %s: %s\n\n", mdEscape.Replace(r.Kind), mdEscape.Replace(r.Stack))
	fmt.Fprintf(&b, "**%s** live as release %d, verification %s.\n\n", mdEscape.Replace(r.Release.Name()), r.Release.ID, mdEscape.Replace(r.Release.Verified))
	if len(r.Checks) > 0 {
		rows := make([][]string, 0, len(r.Checks))
		for _, c := range r.Checks {
			ok := "✓"
			if !c.OK {
				ok = "✗"
			}
			rows = append(rows, []string{ok, code(c.Check.Name), code(c.Check.URL + c.Check.Path), strconv.Itoa(c.Status), code(c.Version)})
		}
		mdTable(&b, []string{"", "Check", "URL", "Status", "Version"}, rows)
	}
	return m.write(fit(b.String(), m.opts.MaxBytes))
}

// Releases writes the releases as a table.
func (m *Markdown) Releases(stack string, rows []ReleaseRow) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### kirikae releases: %s\n\n", mdEscape.Replace(stack))
	if len(rows) == 0 {
		b.WriteString("No releases yet.\n")
		return m.write(b.String())
	}
	table := make([][]string, 0, len(rows))
	for _, r := range rows {
		id, restore := strconv.Itoa(r.ID), code(r.RollbackCommand)
		if r.Live {
			id, restore = id+" (live)", "live now"
		}
		table = append(table, []string{id, mdEscape.Replace(r.Kind), mdEscape.Replace(r.Verified), stamp(r.When),
			code(r.ImageTag), code(r.LambdaVersion), code(r.FrontendRelease), restore})
	}
	mdTable(&b, []string{"ID", "Kind", "Verified", "When", "Image", "Lambda", "Frontend", "Rollback"}, table)
	return m.write(fit(b.String(), m.opts.MaxBytes))
}
