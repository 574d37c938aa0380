package view

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/kirikae/kirikae/deploy"
)

var _ View = (*Markdown)(nil)

// MarkdownOptions tune the markdown rendering.
type MarkdownOptions struct {
	// MaxResources is how many changed resources are listed; 0 = 50.
	MaxResources int
	// MaxBytes caps the whole body; 0 = 60000. GitHub rejects comments
	// over 65536 characters, and a step summary is better short.
	MaxBytes int
	// Command is the next step shown under a preview, e.g.
	// "go run ./cmd up --stack staging"; "" shows none.
	Command string
}

// Markdown renders for PR review comments and GitHub step summaries.
type Markdown struct {
	out  io.Writer
	opts MarkdownOptions
	mu   sync.Mutex
}

// maxProps caps the property rows of one resource, so a single huge
// resource cannot eat the whole byte budget.
const maxProps = 30

// NewMarkdown returns the markdown view writing to out.
func NewMarkdown(out io.Writer, opts MarkdownOptions) View {
	if opts.MaxResources <= 0 {
		opts.MaxResources = 50
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 60000
	}
	return &Markdown{out: out, opts: opts}
}

// Notice is dropped: the result carries what a reviewer needs (sandbox
// runs are marked in the heading).
func (m *Markdown) Notice(string) {}

// Event is dropped: a comment is written once, at the end.
func (m *Markdown) Event(deploy.Event) {}

// Close has nothing to flush.
func (m *Markdown) Close() error { return nil }

func (m *Markdown) write(s string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, err := io.WriteString(m.out, s)
	return err
}

// Result writes a heading, a verdict, a table of changed resources with
// their property diffs folded away, and the next step, within MaxBytes.
func (m *Markdown) Result(r *deploy.Result) error {
	if r == nil {
		return errNilResult
	}
	c := counts(r)
	var head, tail strings.Builder
	title := fmt.Sprintf("### kirikae %s: %s", r.Operation, r.Stack)
	if r.Sandbox {
		title += " (sandbox)"
	}
	head.WriteString(title + "\n\n")

	if changed(c) == 0 && len(r.Resources) == 0 {
		head.WriteString("No changes.")
		if n := c[deploy.OpSame]; n > 0 {
			fmt.Fprintf(&head, " %d resources unchanged.", n)
		}
		head.WriteString("\n")
		m.outputs(&head, r.Outputs)
		return m.write(fit(head.String(), m.opts.MaxBytes))
	}

	head.WriteString(verdict(r.Operation, c) + "\n\n")
	m.outputs(&tail, r.Outputs)
	if r.Operation == "preview" && m.opts.Command != "" {
		tail.WriteString("\nApply with " + codeSpan(m.opts.Command) + "\n")
	}

	shown := min(len(r.Resources), m.opts.MaxResources)
	body := m.resultBody(head.String(), tail.String(), r.Resources, shown)
	if len(body) > m.opts.MaxBytes {
		// Largest prefix of resources that fits: bodies grow with n, so a
		// binary search finds it; cutting at a resource keeps tables whole.
		n := sort.Search(shown+1, func(n int) bool {
			return len(m.resultBody(head.String(), tail.String(), r.Resources, n)) > m.opts.MaxBytes
		}) - 1
		body = m.resultBody(head.String(), tail.String(), r.Resources, max(n, 0))
	}
	return m.write(fit(body, m.opts.MaxBytes))
}

// verdict is the bold one-line count, with ⚠️ on replacements and deletes
// because those lose data or cause downtime.
func verdict(operation string, c map[string]int) string {
	parts := make([]string, 0, len(opOrder))
	for _, op := range opOrder {
		p := phrase(operation, op, c[op])
		if (op == deploy.OpReplace || op == deploy.OpDelete) && c[op] > 0 {
			p += " ⚠️"
		}
		parts = append(parts, p)
	}
	s := "**" + strings.Join(parts, " · ") + "**"
	if n := c[deploy.OpSame]; n > 0 {
		s += fmt.Sprintf(" · %d unchanged", n)
	}
	return s
}

// resultBody renders the first n resources between head and tail.
func (m *Markdown) resultBody(head, tail string, rs []deploy.ResourceChange, n int) string {
	var b strings.Builder
	b.WriteString(head)
	if n > 0 {
		b.WriteString("| Op | Resource | Type | Changed properties |\n|---|---|---|---|\n")
		for _, rc := range rs[:n] {
			op := code(symbol(rc.Op) + " " + rc.Op)
			if rc.Op == deploy.OpReplace {
				op = "**" + op + "** ⚠️"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", op, code(rc.Name), code(rc.Type), changedProps(rc))
		}
		for _, rc := range rs[:n] {
			details(&b, rc)
		}
	}
	if rest := len(rs) - n; rest > 0 {
		fmt.Fprintf(&b, "\n… and %d more resources", rest)
		if n < m.opts.MaxResources && n < len(rs) {
			fmt.Fprintf(&b, " (cut to keep this under %d bytes)", m.opts.MaxBytes)
		}
		b.WriteString(".\n")
	}
	b.WriteString(tail)
	return b.String()
}

// changedProps names a resource's changed properties, marking those that
// force its replacement.
func changedProps(rc deploy.ResourceChange) string {
	names := make([]string, 0, len(rc.Properties))
	for i, p := range rc.Properties {
		if i == 5 {
			names = append(names, fmt.Sprintf("+%d more", len(rc.Properties)-i))
			break
		}
		s := code(p.Path)
		if strings.HasSuffix(p.Kind, "-replace") {
			s += " (forces replacement)"
		}
		names = append(names, s)
	}
	return strings.Join(names, ", ")
}

// details folds a resource's property diff into a <details> block.
func details(b *strings.Builder, rc deploy.ResourceChange) {
	if len(rc.Properties) == 0 {
		return
	}
	fmt.Fprintf(b, "\n<details><summary>%s %s %s</summary>\n\n", htmlCode(symbol(rc.Op)), htmlCode(rc.Name), htmlCode(rc.Type))
	b.WriteString("| Property | Before | After |\n|---|---|---|\n")
	props := expandChanges(rc.Properties)
	for i, p := range props {
		if i == maxProps {
			fmt.Fprintf(b, "| … and %d more properties | | |\n", len(props)-i)
			break
		}
		kind, forces := strings.CutSuffix(p.Kind, "-replace")
		before, after := code(compact(p.Old, maxValue)), code(compact(p.New, maxValue))
		switch kind {
		case "add":
			before = ""
		case "delete":
			after = ""
		}
		path := code(p.Path)
		if forces {
			path += " (forces replacement)"
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", path, before, after)
	}
	b.WriteString("\n</details>\n")
}

// outputs adds an outputs table; secrets are masked.
func (m *Markdown) outputs(b *strings.Builder, outputs map[string]deploy.Output) {
	if len(outputs) == 0 {
		return
	}
	b.WriteString("\n| Output | Value |\n|---|---|\n")
	for _, k := range sortedKeys(outputs) {
		fmt.Fprintf(b, "| %s | %s |\n", code(k), code(plain(outputs[k], maxValue)))
	}
}

// fit is the last resort for a body still over max (a tiny MaxBytes): cut
// at a line boundary and say so.
func fit(s string, maxBytes int) string {
	if len(s) <= maxBytes {
		return s
	}
	const note = "\n… cut to stay under the size limit.\n"
	cut := max(maxBytes-len(note), 0)
	if i := strings.LastIndex(s[:cut], "\n"); i >= 0 {
		cut = i
	} else {
		cut = 0
	}
	out := s[:cut] + note
	if len(out) > maxBytes {
		return ""
	}
	return out
}

// mdEscape makes text inert in HTML (<summary>) and in plain markdown text:
// "|" would end a table cell, a backtick open a code span, and GitHub still
// parses emphasis and links inside inline HTML. (@mentions, #refs and
// :emoji: are not expanded inside <code>.)
var mdEscape = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;", "|", "&#124;", "`", "&#96;",
	"\\", "&#92;", "*", "&#42;", "_", "&#95;", "~", "&#126;", "[", "&#91;",
	"]", "&#93;",
	"\r\n", " ", "\n", " ", "\r", " ",
)

// code renders s as inline code that can never break a table: a code span
// (readable in the raw markdown too, no HTML entities) whose pipes are
// escaped, as GitHub's tables require even inside code spans.
func code(s string) string {
	if s == "" {
		return ""
	}
	return codeSpan(strings.ReplaceAll(s, "|", `\|`))
}

// htmlCode is inline code inside HTML (<summary>), where markdown code
// spans are not parsed.
func htmlCode(s string) string {
	if s == "" {
		return ""
	}
	return "<code>" + mdEscape.Replace(s) + "</code>"
}

// codeSpan is a markdown code span whose fence is longer than any backtick
// run inside s, the CommonMark way to quote backticks.
func codeSpan(s string) string {
	s = oneLine(s)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if longest > 0 {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}
