package cli_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/cli"
	"github.com/kirikae/kirikae/internal/testproject"
)

// The README is the door: what kirikae is, the two commands and a tour a
// newcomer runs in five minutes. These tests keep it honest: the tour runs
// as written, and every command block under docs/ names the test that runs
// it or says it needs AWS.

const (
	tourBegin = "<!-- tour:begin -->\n```sh\n"
	tourEnd   = "```\n<!-- tour:end -->"
	readmeMax = 250 // lines: the door, not the manual
)

// readmeTour returns the README's tour block and the text each "# prints:"
// comment promises, in order.
func readmeTour(t *testing.T) (script string, promised []string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(testproject.Root(t), "README.md"))
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(raw), tourBegin)
	require.True(t, ok, "README has no tour block (%q)", tourBegin)
	script, _, ok = strings.Cut(rest, tourEnd)
	require.True(t, ok, "README's tour block has no end (%q)", tourEnd)
	for _, line := range strings.Split(script, "\n") {
		if _, p, ok := strings.Cut(line, "# prints: "); ok && !strings.HasPrefix(strings.TrimSpace(line), "#") {
			promised = append(promised, strings.TrimSpace(p))
		}
	}
	return script, promised
}

// TestReadmeTour runs the README's five-minute tour with bash, as a user
// pastes it, in a copy of the project with the kirikae binary on PATH, and
// checks that each "# prints:" text appears, in order, in what it printed.
func TestReadmeTour(t *testing.T) {
	bin := kirikaeBin(t)
	for _, tool := range []string{"bash", "jq", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			testproject.MissingTool(t, "%s (the README's tour uses it)", tool)
		}
	}
	script, promised := readmeTour(t)
	require.NotEmpty(t, promised, "the tour promises no output to check")
	dir := testproject.Copy(t)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1",
		"PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	// One file for both streams keeps their order; a file, not a pipe, so
	// a background `sandbox serve` cannot hold Wait open.
	out, err := os.CreateTemp(t.TempDir(), "tour-*.log")
	require.NoError(t, err)
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	// Its own process group, so whatever the tour left running is stopped.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	runErr := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	printed, err := os.ReadFile(out.Name())
	require.NoError(t, err)
	require.NoError(t, runErr, "the tour failed; it printed:\n%s", printed)

	rest := string(printed)
	for _, p := range promised {
		i := strings.Index(rest, p)
		if !assert.GreaterOrEqual(t, i, 0, "the tour promises %q next; it printed:\n%s", p, printed) {
			return
		}
		rest = rest[i+len(p):]
	}
}

func TestReadmeIsTheDoor(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(testproject.Root(t), "README.md"))
	require.NoError(t, err)
	readme := string(raw)
	lines := strings.Count(readme, "\n")
	assert.LessOrEqual(t, lines, readmeMax, "README has %d lines; move reference text to docs/", lines)
	assert.Contains(t, readme, "go run ./cmd up --stack staging --sandbox")
	assert.Contains(t, readme, "./scripts/test")
	assert.Contains(t, readme, "qemu-user", "a Lambda stack in the sandbox needs it")
	for _, page := range []string{"sandbox", "deploys", "frontend", "pipeline", "configuration", "performance", "security"} {
		assert.Contains(t, readme, "(docs/"+page+".md)", "README links docs/%s.md", page)
		_, err := os.Stat(filepath.Join(testproject.Root(t), "docs", page+".md"))
		assert.NoError(t, err)
	}
}

var (
	shBlock   = regexp.MustCompile("(?ms)^```sh\n.*?^```\n")
	blockNote = regexp.MustCompile(`^<!-- (?:tested: ([A-Za-z0-9_, ]+)|AWS only) -->`)
)

// TestDocsCommandsAreTestedOrAWSOnly: every sh block in docs/ is followed
// by <!-- tested: TestName[, TestOther] --> naming tests that exist in the
// repository, or by <!-- AWS only -->.
func TestDocsCommandsAreTestedOrAWSOnly(t *testing.T) {
	root := testproject.Root(t)
	tests := testFuncs(t, root)
	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	require.NoError(t, err)
	require.NotEmpty(t, pages)
	blocks := 0
	for _, page := range pages {
		raw, err := os.ReadFile(page)
		require.NoError(t, err)
		doc := string(raw)
		name := filepath.Base(page)
		for _, loc := range shBlock.FindAllStringIndex(doc, -1) {
			blocks++
			line := 1 + strings.Count(doc[:loc[0]], "\n")
			m := blockNote.FindStringSubmatch(doc[loc[1]:])
			if !assert.NotNil(t, m, "docs/%s:%d: an sh block needs <!-- tested: TestName --> or <!-- AWS only --> after it", name, line) {
				continue
			}
			for _, tn := range strings.Split(m[1], ",") {
				if tn = strings.TrimSpace(tn); tn != "" {
					assert.True(t, tests[tn], "docs/%s:%d names %s, which no _test.go file defines", name, line, tn)
				}
			}
		}
	}
	assert.Positive(t, blocks)
}

// testFuncs lists the Test functions defined anywhere in the repository.
func testFuncs(t *testing.T, root string) map[string]bool {
	t.Helper()
	def := regexp.MustCompile(`(?m)^func (Test\w+)\(`)
	found := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, "_test.go") {
			raw, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for _, m := range def.FindAllStringSubmatch(string(raw), -1) {
				found[m[1]] = true
			}
		}
		return nil
	})
	require.NoError(t, err)
	return found
}

// docs/configuration.md's block runs these two; config check is
// TestConfigCheckOnRepoFiles.
func TestConfigKeysPrintsTheTable(t *testing.T) {
	var out, errOut bytes.Buffer
	code := cli.Main(context.Background(), []string{"config", "keys", "--cwd", testproject.Root(t)},
		&cli.IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	require.Equal(t, 0, code, errOut.String())
	assert.Contains(t, out.String(), "kirikae:imageTag")
	assert.Contains(t, out.String(), "kirikae:frontendRelease")
}
