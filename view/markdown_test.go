package view

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
)

func renderMarkdown(t *testing.T, opts MarkdownOptions, r *deploy.Result) string {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, NewMarkdown(&out, opts).Result(r))
	return out.String()
}

var reCellPipe = regexp.MustCompile(`(^|[^\\])\|`)

// assertTables checks every table: each row has the header's number of
// cells (an unescaped pipe in a value would add one), code spans are closed,
// and every table has its delimiter row (a table cut in half would lose it
// or its rows).
func assertTables(t *testing.T, md string) {
	t.Helper()
	cols := -1
	prev := ""
	for i, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			cols = -1
			prev = line
			continue
		}
		n := len(reCellPipe.FindAllString(line, -1))
		if cols < 0 {
			assert.Empty(t, prev, "line %d: a table starts after a blank line", i)
			cols = n
		} else {
			assert.Equal(t, cols, n, "line %d: cell count: %s", i, line)
		}
		assert.NotContains(t, line, "<code>", "line %d: code spans, not HTML, in a table", i)
		assert.NotContains(t, line, "&#", "line %d: no HTML entities in a table", i)
		assert.True(t, strings.HasSuffix(line, "|"), "line %d ends its row", i)
		prev = line
	}
	tables := strings.Count(md, "\n\n|")
	if strings.HasPrefix(md, "|") {
		tables++
	}
	assert.Equal(t, tables, strings.Count(md, "|\n|---"), "every table has a delimiter row")
}

func TestMarkdownEscapesPipesAndBackticks(t *testing.T) {
	md := renderMarkdown(t, MarkdownOptions{}, previewResult())
	assertTables(t, md)
	assert.Contains(t, md, "| `pipe\\|param` |")
	assert.Contains(t, md, "`` \"run `make` \\| tee *log*\" ``", "a longer fence quotes backticks; the pipe is escaped")
}

func TestMarkdownVerdictAndNextStep(t *testing.T) {
	md := renderMarkdown(t, mdOpts, previewResult())
	assert.True(t, strings.HasPrefix(md, "### kirikae preview: staging\n\n**1 to create · 2 to update · 1 to replace ⚠️ · 1 to delete ⚠️**"))
	assert.True(t, strings.HasSuffix(md, "\nApply with `go run ./cmd up --stack staging`\n"))
	assert.Contains(t, md, "**`± replace`** ⚠️", "replacements are flagged")
	assert.Equal(t, 4, strings.Count(md, "<details>"), "one block per resource with property changes")

	up := renderMarkdown(t, mdOpts, upResult())
	assert.NotContains(t, up, "Apply with", "nothing left to apply after up")
	assert.Contains(t, up, "(sandbox)")

	assert.Equal(t, "### kirikae preview: staging\n\nNo changes. 45 resources unchanged.\n", renderMarkdown(t, mdOpts, noChangeResult()))
}

func TestMarkdownMaxResources(t *testing.T) {
	md := renderMarkdown(t, MarkdownOptions{}, longResult())
	assertTables(t, md)
	assert.Contains(t, md, "`queue-049`")
	assert.NotContains(t, md, "`queue-050`")
	assert.Contains(t, md, "\n… and 70 more resources.\n")

	md = renderMarkdown(t, MarkdownOptions{MaxResources: 10}, longResult())
	assert.Contains(t, md, "\n… and 110 more resources.\n")
}

func TestMarkdownMaxBytes(t *testing.T) {
	for _, maxBytes := range []int{20000, 6000, 1500, 400} {
		t.Run(fmt.Sprint(maxBytes), func(t *testing.T) {
			opts := MarkdownOptions{MaxResources: 120, MaxBytes: maxBytes, Command: "go run ./cmd up --stack product"}
			md := renderMarkdown(t, opts, longResult())
			assert.LessOrEqual(t, len(md), maxBytes)
			assertTables(t, md)
			// assert.True, not Contains: a failure would dump the whole body.
			assert.True(t, strings.Contains(md, "more resources (cut to keep this under"), "the cut is noted")
			assert.True(t, strings.Contains(md, "Apply with"), "the next step survives the cut")
			// Whole resources only: every listed resource has its details.
			assert.Equal(t, strings.Count(md, "| `~ update` |"), strings.Count(md, "<details>"))
			assert.Equal(t, strings.Count(md, "<details>"), strings.Count(md, "</details>"))
		})
	}
	// The default cap keeps a huge change under GitHub's 65536.
	md := renderMarkdown(t, MarkdownOptions{MaxResources: 1000}, manyResources(400))
	assert.LessOrEqual(t, len(md), 60000)
	assert.Greater(t, len(md), 50000, "the budget is used, not wasted")
	assert.True(t, strings.Contains(md, "more resources (cut to keep this under 60000 bytes)."), "the cut is noted")
}

func TestMarkdownFitLastResort(t *testing.T) {
	s := strings.Repeat("line\n", 100)
	got := fit(s, 120)
	assert.LessOrEqual(t, len(got), 120)
	assert.True(t, strings.HasSuffix(got, "… cut to stay under the size limit.\n"))
	assert.Equal(t, s, fit(s, len(s)), "a body that fits is untouched")
}

func TestCodeSpan(t *testing.T) {
	assert.Equal(t, "`go run ./cmd`", codeSpan("go run ./cmd"))
	assert.Equal(t, "``` a``b ```", codeSpan("a``b"))
}

func TestMarkdownPropertyCap(t *testing.T) {
	rc := deploy.ResourceChange{Type: "aws:s3/bucket:Bucket", Name: "b", Op: deploy.OpUpdate}
	for i := range maxProps + 5 {
		rc.Properties = append(rc.Properties, deploy.PropertyChange{Path: fmt.Sprintf("p%d", i), Kind: "update", Old: 1.0, New: 2.0})
	}
	md := renderMarkdown(t, MarkdownOptions{}, &deploy.Result{Operation: "preview", Stack: "s", Resources: []deploy.ResourceChange{rc}})
	assertTables(t, md)
	assert.Contains(t, md, "| … and 5 more properties | | |")
	assert.Contains(t, md, "| `p29` |")
	assert.NotContains(t, md, "| `p30` |")
}
