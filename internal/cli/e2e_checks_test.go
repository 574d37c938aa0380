package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/testproject"
)

const checksDoc = "docs/checks-and-migrations.md"

// docBlocks returns the fenced blocks of a Markdown file with the given
// info string, in order.
func docBlocks(doc, lang string) []string {
	var out []string
	for _, m := range regexp.MustCompile("(?s)```"+lang+"\n(.*?)```").FindAllStringSubmatch(doc, -1) {
		out = append(out, m[1])
	}
	return out
}

// reExpect reads a command line's trailing comment: "# exit N: TEXT" (the
// exit code and a text the output contains) or "# shows: TEXT".
var reExpect = regexp.MustCompile(`#\s*(?:exit (\d+)(?::\s*([^;]*))?|shows:\s*(.*))`)

// docs/checks-and-migrations.md's sandbox walkthrough, run as written: the
// YAML snippets go into both stack files, then each `go run ./cmd` line runs
// with the exit code and output its comment names.
func TestChecksAndMigrationsDocRunsAsWritten(t *testing.T) {
	testproject.Long(t, "runs the docs' deploys")
	raw, err := os.ReadFile(filepath.Join(testproject.Root(t), checksDoc))
	require.NoError(t, err)
	doc := string(raw)
	dir := testproject.Copy(t)
	fastVerify(t, dir)
	// The walkthrough pushes the test workload from the repository.
	src := filepath.Join(testproject.Root(t), "internal", "testproject", "workload", "main.go")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "internal", "testproject", "workload"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "internal", "testproject", "workload", "main.go"), readFile(t, src), 0o644))

	_, walkthrough, ok := strings.Cut(doc, "## In the sandbox")
	require.True(t, ok, "the doc has its sandbox walkthrough")
	blocks := docBlocks(walkthrough, "sh")
	require.Len(t, blocks, 2, "the first deploy, then the release steps")
	snippets := docBlocks(doc, "yaml")
	require.Len(t, snippets, 3, "a smoke check, a smoke command and a migration")

	for i, block := range blocks {
		if i == 1 {
			for _, stack := range []string{"staging", "product"} {
				p := filepath.Join(dir, "Pulumi."+stack+".yaml")
				text := strings.TrimRight(string(readFile(t, p)), "\n") + "\n" + strings.Join(snippets, "")
				require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
			}
		}
		for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
			cmdText, comment, _ := strings.Cut(line, "#")
			args, ok := strings.CutPrefix(strings.TrimSpace(cmdText), "go run ./cmd ")
			require.True(t, ok, "a doc command is `go run ./cmd …`: %q", line)
			wantCode, wantText := 0, ""
			if m := reExpect.FindStringSubmatch("#" + comment); m != nil {
				if m[1] != "" {
					wantCode, _ = strconv.Atoi(m[1])
				}
				wantText = strings.TrimSpace(m[2] + m[3])
			}
			r := kirikae(t, dir, strings.Fields(args)...)
			require.Equal(t, wantCode, r.code, "%s\nstdout:\n%s\nstderr:\n%s", line, r.stdout, r.stderr)
			if wantText != "" {
				assert.Contains(t, r.stdout+r.stderr, wantText, line)
			}
		}
	}
	assert.Equal(t, "v3", liveImage(t, dir, "staging"), "the release that passed its checks is live")
}
