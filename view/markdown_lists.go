package view

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kirikae/kirikae/deploy"
)

// mdTable writes a markdown table; every cell must already be escaped.
func mdTable(b *strings.Builder, head []string, rows [][]string) {
	b.WriteString("| " + strings.Join(head, " | ") + " |\n")
	b.WriteString(strings.Repeat("|---", len(head)) + "|\n")
	for _, r := range rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
}

// History writes the stack's updates as a table.
func (m *Markdown) History(stack string, updates []deploy.Update) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### kirikae history: %s\n\n", stack)
	if len(updates) == 0 {
		b.WriteString("No updates yet.\n")
		return m.write(b.String())
	}
	rows := make([][]string, 0, len(updates))
	for _, u := range updates {
		took := ""
		if !u.EndTime.IsZero() && !u.StartTime.IsZero() {
			took = duration(u.EndTime.Sub(u.StartTime))
		}
		rows = append(rows, []string{strconv.Itoa(u.Version), mdEscape.Replace(u.Kind), mdEscape.Replace(u.Result), stamp(u.StartTime), took,
			code(historyChanges(u.Changes)), code(truncate(u.Message, maxValue))})
	}
	mdTable(&b, []string{"Version", "Kind", "Result", "Started", "Duration", "Changes", "Message"}, rows)
	return m.write(fit(b.String(), m.opts.MaxBytes))
}

// Outputs writes the stack's outputs as a table; secrets are masked.
func (m *Markdown) Outputs(stack string, outputs map[string]deploy.Output) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### kirikae outputs: %s\n", stack)
	if len(outputs) == 0 {
		b.WriteString("\nNo outputs.\n")
	}
	m.outputs(&b, outputs)
	return m.write(b.String())
}

// Stacks writes one table row per stack.
func (m *Markdown) Stacks(rows []StackRow) error {
	var b strings.Builder
	b.WriteString("### kirikae stacks\n\n")
	cells := make([][]string, 0, len(rows))
	for _, r := range rows {
		if !r.Deployed {
			cells = append(cells, []string{code(r.Name), "never deployed", "", "", ""})
			continue
		}
		cells = append(cells, []string{code(r.Name), stamp(r.LastUpdate), mdEscape.Replace(r.Result), code(r.ImageTag), strconv.Itoa(r.Resources)})
	}
	mdTable(&b, []string{"Stack", "Last update", "Result", "Image", "Resources"}, cells)
	return m.write(b.String())
}

// ConfigCheck writes a checklist of stack files and parity gaps.
func (m *Markdown) ConfigCheck(report ConfigReport) error {
	var b strings.Builder
	b.WriteString("### kirikae config check\n\n")
	for _, s := range report.Stacks {
		mark := "✓"
		if len(s.Problems) > 0 {
			mark = "✗"
		}
		fmt.Fprintf(&b, "- %s %s %s\n", mark, code(s.Stack), code(s.File))
		for _, p := range s.Problems {
			fmt.Fprintf(&b, "  - %s\n", code(p))
		}
	}
	if len(report.Parity) > 0 {
		b.WriteString("- ✗ parity\n")
		for _, p := range report.Parity {
			fmt.Fprintf(&b, "  - %s\n", code(p))
		}
	}
	if report.OK() {
		b.WriteString("\n**Config OK.**\n")
	} else {
		b.WriteString("\n**Config check failed.**\n")
	}
	return m.write(fit(b.String(), m.opts.MaxBytes))
}

// Version writes the versions as a list.
func (m *Markdown) Version(v VersionInfo) error {
	return m.write(fmt.Sprintf("- kirikae %s\n- pulumi %s (pinned)\n- pulumi-aws sdk %s\n- go %s\n",
		code(v.Kirikae), code(v.Pulumi), code(v.AWSSDK), code(v.Go)))
}
