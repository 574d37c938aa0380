package cli_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/sandbox"
)

// terminal is kirikae running on a pseudo-terminal, as a person runs it.
type terminal struct {
	t    *testing.T
	cmd  *exec.Cmd
	tty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
	read chan struct{} // closed when the terminal has nothing more to read
	code int
}

func onTerminal(t *testing.T, dir string, env []string, args ...string) *terminal {
	t.Helper()
	cmd := exec.Command(kirikaeBin(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	require.NoError(t, err)
	term := &terminal{t: t, cmd: cmd, tty: f, done: make(chan struct{}), read: make(chan struct{})}
	go func() {
		defer close(term.read)
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			term.mu.Lock()
			term.out.Write(buf[:n])
			term.mu.Unlock()
			if err != nil {
				break
			}
		}
	}()
	go func() {
		err := cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			term.code = ee.ExitCode()
		}
		close(term.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-term.done
		_ = f.Close()
	})
	return term
}

func (term *terminal) output() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.out.String()
}

// waitFor waits until the screen shows s.
func (term *terminal) waitFor(s string, within time.Duration) {
	term.t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if strings.Contains(term.output(), s) {
			return
		}
		select {
		case <-term.done:
			// one last read may still be in flight
			time.Sleep(200 * time.Millisecond)
			if strings.Contains(term.output(), s) {
				return
			}
			term.t.Fatalf("kirikae exited (%d) before showing %q:\n%s", term.code, s, term.output())
		case <-time.After(50 * time.Millisecond):
		}
	}
	term.t.Fatalf("no %q within %s:\n%s", s, within, term.output())
}

func (term *terminal) send(s string) {
	term.t.Helper()
	_, err := io.WriteString(term.tty, s)
	require.NoError(term.t, err)
}

func (term *terminal) exit(within time.Duration) int {
	term.t.Helper()
	select {
	case <-term.done:
		// Everything kirikae wrote is on the terminal once reads hit EOF.
		select {
		case <-term.read:
		case <-time.After(5 * time.Second):
		}
		return term.code
	case <-time.After(within):
		term.t.Fatalf("kirikae still running after %s:\n%s", within, term.output())
	}
	return -1
}

// Ctrl-C during an up: acknowledged at once, the engine stops cleanly (the
// provider outlives it), one line says who cancelled, exit 130, and the
// stack is usable right after.
func TestCtrlCCancelsUpCleanly(t *testing.T) {
	dir := testproject.Copy(t)
	acct, err := deploy.OpenSandboxAccount(dir, "staging")
	require.NoError(t, err)
	require.NoError(t, acct.InjectFault(sandbox.Fault{Op: "create", Type: "aws:ecs/cluster:Cluster", Delay: 5 * time.Second}))

	term := onTerminal(t, dir, []string{"NO_COLOR=1"}, "up", "--stack", "staging", "--sandbox")
	term.waitFor("[y/N]", 3*time.Minute)
	plan := term.output()
	assert.Contains(t, plan, "first deploy")
	assert.NotContains(t, plan, "\x1b", "NO_COLOR: no colour, no spinner, no terminal queries")
	term.send("y\r")
	term.waitFor("  → ", 2*time.Minute) // applying: the cluster create is slowed
	time.Sleep(2 * time.Second)
	term.send("\x03")
	term.waitFor("cancelling… (Ctrl-C again to force)", 10*time.Second)
	code := term.exit(time.Minute)
	out := term.output()
	assert.Equal(t, 130, code, out)
	assert.Contains(t, out, "cancelled by you")
	assert.Equal(t, 1, strings.Count(out, "kirikae: "), "one closing line:\n%s", out)
	assert.NotContains(t, out, "connection refused")
	assert.NotContains(t, out, "signal: interrupt")
	assert.NotContains(t, out, "error:", "the cancel is reported once, not as engine errors")

	// A cancelled deploy is not a release (and the state loads).
	var rel struct {
		Releases []json.RawMessage `json:"releases"`
	}
	kirikaeJSON(t, dir, &rel, "releases", "--stack", "staging", "--sandbox")
	assert.Empty(t, rel.Releases, "a cancelled deploy is not recorded as a release")

	require.NoError(t, acct.ClearFaults())
	r := kirikae(t, dir, "up", "--stack", "staging", "--sandbox")
	require.Equal(t, 0, r.code, "%s\n%s", r.stdout, r.stderr)
	assert.Contains(t, r.stdout, "verification passed")
}

// withoutNoColor is the environment minus NO_COLOR.
func withoutNoColor() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NO_COLOR=") {
			env = append(env, kv)
		}
	}
	return env
}

// One walk through a first deploy as a person would: output piped (no
// escape bytes at all, not even terminal queries), one resource count in the
// plan, the summary and `stacks`, a spinner while previewing on a terminal,
// and destroy showing what it deletes before it asks.
func TestTerminalWalkThrough(t *testing.T) {
	dir := testproject.Copy(t)

	cmd := exec.Command(kirikaeBin(t), "up", "--stack", "staging", "--sandbox")
	cmd.Dir, cmd.Env = dir, withoutNoColor()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	require.NoError(t, cmd.Run(), errOut.String())
	assert.NotContains(t, out.String()+errOut.String(), "\x1b", "piped output has no escape bytes")
	// One count everywhere: the plan's, which is also the number of
	// resources it lists.
	m := regexp.MustCompile(`first deploy  (\d+) resources, nothing to switch`).FindStringSubmatch(out.String())
	require.NotNil(t, m, out.String())
	n, _ := strconv.Atoi(m[1])
	assert.Equal(t, n, strings.Count(out.String(), "+ create "), "the plan counts the resources it lists")
	count := strconv.Itoa(n)
	assert.Contains(t, out.String(), count+" to create")
	assert.NotContains(t, out.String(), "downtime")
	var stacks struct {
		Stacks []struct {
			Name      string `json:"name"`
			Resources int    `json:"resources"`
		} `json:"stacks"`
	}
	kirikaeJSON(t, dir, &stacks, "stacks", "--sandbox")
	for _, s := range stacks.Stacks {
		if s.Name == "staging" {
			assert.Equal(t, n, s.Resources, "stacks counts what the plan counted")
		}
	}
	assert.Contains(t, out.String(), count+" created", "the summary counts what the plan counted")

	term := onTerminal(t, dir, withoutNoColor(), "preview", "--stack", "staging", "--sandbox", "--image", "v2")
	term.waitFor("preview · ", 2*time.Minute)
	require.Equal(t, 0, term.exit(2*time.Minute), term.output())
	assert.Contains(t, term.output(), "Preview of staging")

	// refresh on a terminal: no drift, nothing to ask; drift: shown, then asked.
	term = onTerminal(t, dir, []string{"NO_COLOR=1"}, "refresh", "--stack", "staging", "--sandbox")
	require.Equal(t, 0, term.exit(2*time.Minute), term.output())
	assert.Contains(t, term.output(), "No drift")
	assert.NotContains(t, term.output(), "[y/N]")
	acct, err := deploy.OpenSandboxAccount(dir, "staging")
	require.NoError(t, err)
	rs, err := acct.Resources()
	require.NoError(t, err)
	for _, r := range rs {
		if r.Type == "aws:ecs/cluster:Cluster" {
			require.NoError(t, acct.Drift(r.Type, r.ID, map[string]any{"tags": map[string]any{"edited": "by-hand"}}))
		}
	}
	term = onTerminal(t, dir, []string{"NO_COLOR=1"}, "refresh", "--stack", "staging", "--sandbox")
	term.waitFor("[y/N]", 2*time.Minute)
	assert.Contains(t, term.output(), "aws:ecs/cluster:Cluster", "the drift is shown before the question")
	term.send("yes\r")
	require.Equal(t, 0, term.exit(2*time.Minute), term.output())
	assert.Contains(t, term.output(), "Refreshed staging")

	term = onTerminal(t, dir, []string{"NO_COLOR=1"}, "destroy", "--stack", "staging", "--sandbox", "--force-empty")
	term.waitFor("Type the stack name", 2*time.Minute)
	shown := term.output()
	assert.Less(t, strings.Index(shown, "sandbox: simulated AWS"), strings.Index(shown, "Type the stack name"))
	assert.Contains(t, shown, count+" to delete")
	assert.Contains(t, shown, "aws:ecs/cluster:Cluster")
	term.send("staging\r")
	require.Equal(t, 0, term.exit(3*time.Minute), term.output())
	// The first up pushed the initial image: the repository is emptied
	// (--force-empty) and the destroy finishes.
	assert.Contains(t, term.output(), "emptied repository "+testproject.Stack(t, dir, "staging").ImageRepository+": 1 images deleted")
	assert.Contains(t, term.output(), "Destroyed staging")
}

// NO_COLOR on a terminal: not one escape byte, not even the background
// colour query a dependency's init sends (see internal/quietterm).
func TestNoColorTerminalGetsNoEscapes(t *testing.T) {
	term := onTerminal(t, testproject.Copy(t), []string{"NO_COLOR=1", "TERM=xterm-256color"}, "version")
	require.Equal(t, 0, term.exit(time.Minute), term.output())
	assert.Contains(t, term.output(), "pulumi")
	assert.NotContains(t, term.output(), "\x1b")
}
