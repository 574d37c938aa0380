package cli_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/sandbox"
)

// interruptAt runs kirikae args in its own process group, as a terminal
// runs a command, and sends sig to the whole group (the Pulumi CLI and its
// children too, as Ctrl-C or kill -9 of the group does) once a printed
// line contains trigger. It returns the exit code, whether the signal was
// sent before the command ended by itself, and the output.
func interruptAt(t *testing.T, dir string, sig syscall.Signal, trigger string, env []string, args ...string) (int, bool, string) {
	t.Helper()
	cmd := exec.Command(kirikaeBin(t), args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "NO_COLOR=1"), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	exited := make(chan error, 1)
	go func() { err := cmd.Wait(); _ = pw.Close(); exited <- err }()
	var out strings.Builder
	sent := false
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		out.WriteString(line + "\n")
		if !sent && strings.Contains(line, trigger) {
			sent = syscall.Kill(-cmd.Process.Pid, sig) == nil
		}
	}
	var err error
	select {
	case err = <-exited:
	case <-time.After(3 * time.Minute):
		t.Fatalf("kirikae %v did not end after %v:\n%s", args, sig, out.String())
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
	}
	return code, sent, out.String()
}

// served asks the front door which image the API answers with.
func served(t *testing.T, client *http.Client, url string) string {
	t.Helper()
	resp, err := client.Get(url + "/healthz")
	require.NoError(t, err)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "status " + resp.Status
	}
	return resp.Header.Get("X-Kirikae-Version")
}

type statusDoc struct {
	Live *struct {
		ID       int    `json:"id"`
		ImageTag string `json:"imageTag"`
		Verified string `json:"verified"`
	} `json:"live"`
	Interrupted *struct {
		Op   string `json:"op"`
		Back struct {
			ID int `json:"id"`
		} `json:"back"`
	} `json:"interrupted"`
	Problems []string `json:"problems"`
}

// The truth after an interruption: the front door serves the image
// `status` calls live, that release was verified, and no lock is left.
func assertTruth(t *testing.T, dir string, client *http.Client, url, when string) statusDoc {
	t.Helper()
	var st statusDoc
	kirikaeJSON(t, dir, &st, "status", "--stack", "staging", "--sandbox")
	require.NotNil(t, st.Live, when)
	assert.Nil(t, st.Interrupted, "%s: nothing left to recover from: %v", when, st.Problems)
	assert.Equal(t, st.Live.ImageTag, served(t, client, url), "%s: the front door serves what status calls live", when)
	assert.Equal(t, "passed", st.Live.Verified, "%s: the live release was verified", when)
	backendDir, project := deploy.PathsFor(dir, true).Backend, testproject.Project(t, dir)
	_, err := os.Stat(filepath.Join(backendDir, ".kirikae", "locks", project, "staging.json"))
	assert.True(t, os.IsNotExist(err), "%s: kirikae's lock is left", when)
	pulumiLocks, _ := filepath.Glob(filepath.Join(backendDir, ".pulumi", "locks", "organization", project, "staging", "*.json"))
	assert.Empty(t, pulumiLocks, "%s: Pulumi's update lock is left", when)
	return st
}

// An `up --image` interrupted at each of its phases, by Ctrl-C (SIGINT to
// the process group) and by kill -9 of the process group, leaves the
// truth: traffic on a verified release, status saying which, no lock; and
// `rollback --to 1` then serves release 1. A Ctrl-C'd up puts the last
// verified release back itself; after a kill -9 the next command does.
func TestInterruptedUpLeavesTheTruth(t *testing.T) {
	testproject.Long(t, "interrupts seven deploys")
	dir := testproject.Copy(t)
	fastVerify(t, dir)
	r := kirikae(t, dir, "up", "--stack", "staging", "--sandbox")
	require.Equal(t, 0, r.code, r.stderr)
	pushImage(t, dir, "v2")
	pushImage(t, dir, "v3")

	acct, err := deploy.OpenSandboxAccount(dir, "staging")
	require.NoError(t, err)
	addr, closer, err := sandbox.ListenHTTP(t.Context(), acct)
	require.NoError(t, err)
	t.Cleanup(func() { _ = closer.Close() })
	client := sandbox.FrontDoorClient(addr)
	var outs struct {
		Outputs map[string]struct {
			Value any `json:"value"`
		} `json:"outputs"`
	}
	kirikaeJSON(t, dir, &outs, "outputs", "--stack", "staging", "--sandbox")
	url, _ := outs.Outputs["url"].Value.(string)
	testURL, _ := outs.Outputs["testUrl"].Value.(string)
	require.NotEmpty(t, url)
	require.NotEmpty(t, testURL)

	// The watch runs a fiftieth of its 2 minutes (2.4 s), long enough to be
	// interrupted.
	env := []string{"KIRIKAE_SANDBOX_TIME_SCALE=0.02"}
	phases := []struct{ name, trigger string }{
		{"plan", "sandbox: simulated AWS"},
		{"stage", "→ stage:"},
		{"idle verify", "→ verify: idle"},
		{"switch", "→ switch:"},
		{"verify", "→ verify: api"},
		{"watch", "→ watch: alarms"},
		{"records", "→ watch: no alarm fired"},
	}
	signals := []syscall.Signal{syscall.SIGINT, syscall.SIGKILL}
	// interrupt runs args, interrupts them at trigger with sig, and checks
	// the truth after (after a kill, once the next command ran).
	interrupt := func(when, trigger string, sig syscall.Signal, moved bool, args ...string) {
		t.Helper()
		op := args[0]
		code, sent, out := interruptAt(t, dir, sig, trigger, env, args...)
		require.True(t, sent, "%s: the phase line %q never came:\n%s", when, trigger, out)
		if sig == syscall.SIGINT {
			assert.Contains(t, []int{0, 130}, code, "%s:\n%s", when, out)
			if code == 130 {
				assert.Contains(t, out, "cancelled by you", when)
			}
			if code == 130 && moved {
				// The cancelled command put the last verified release back
				// itself, and says so under its own name.
				assert.Contains(t, out, op+" staging cancelled by you", when)
				assert.Contains(t, out, "is back live and verified", "%s:\n%s", when, out)
			}
		} else {
			assert.Equal(t, 128+int(syscall.SIGKILL), code, "%s:\n%s", when, out)
			// The next command clears the dead process's locks, finds what
			// the kill left, and puts the last verified release back first.
			r := kirikae(t, dir, "up", "--stack", "staging", "--sandbox")
			require.Equal(t, 0, r.code, "%s: the next up: %s\n%s", when, r.stderr, r.stdout)
			if moved {
				assert.Contains(t, r.stdout+r.stderr, "recover: the "+op+" started", "%s: the next up:\n%s\n%s", when, r.stdout, r.stderr)
			}
		}
		st := assertTruth(t, dir, client, url, when)
		t.Logf("%s: exit %d, live release %d (%s)", when, code, st.Live.ID, st.Live.ImageTag)
	}
	for i, ph := range phases {
		sig := signals[i%2]
		when := "up at " + ph.name + ", " + sig.String()
		// Always a stage: the image neither colour runs.
		image := "v2"
		if served(t, client, testURL) == "v2" {
			image = "v3"
		}
		moved := i > 0 && i < len(phases)-1 // the stack changed, and the signal lands before the end
		interrupt(when, ph.trigger, sig, moved, "up", "--stack", "staging", "--sandbox", "--image", image)

		r := kirikae(t, dir, "rollback", "--stack", "staging", "--sandbox", "--to", "1", "--yes")
		require.Equal(t, 0, r.code, "%s: rollback --to 1: %s\n%s", when, r.stderr, r.stdout)
		st := assertTruth(t, dir, client, url, when+", then rollback --to 1")
		assert.Equal(t, "v1", st.Live.ImageTag, "%s: rollback --to 1 serves release 1", when)
	}

	// A rollback interrupted after its switch, both ways.
	for i, ph := range phases[3:5] {
		sig := signals[(i+1)%2]
		when := "rollback at " + ph.name + ", " + sig.String()
		r := kirikae(t, dir, "up", "--stack", "staging", "--sandbox", "--image", "v3")
		require.Equal(t, 0, r.code, r.stderr)
		interrupt(when, ph.trigger, sig, true, "rollback", "--stack", "staging", "--sandbox", "--to", "1", "--yes")
		r = kirikae(t, dir, "rollback", "--stack", "staging", "--sandbox", "--to", "1", "--yes")
		require.Equal(t, 0, r.code, "%s: rollback --to 1: %s\n%s", when, r.stderr, r.stdout)
		st := assertTruth(t, dir, client, url, when+", then rollback --to 1")
		assert.Equal(t, "v1", st.Live.ImageTag, "%s: rollback --to 1 serves release 1", when)
	}

	var journal struct {
		Operations []struct {
			Op   string `json:"op"`
			Note string `json:"note"`
		} `json:"operations"`
	}
	r = kirikae(t, dir, "journal", "--stack", "staging", "--sandbox", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	_ = json.Unmarshal([]byte(r.stdout), &journal)
	assert.Contains(t, r.stdout, `"recover"`, "recoveries are journaled")
}
