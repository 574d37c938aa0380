package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
)

// Pulumi processes per command, counted through a wrapper CLI: each one
// costs 0.25–0.6 s, so the counts are the cost of kirikae's bookkeeping.
// They are deterministic, so they are a test, not a benchmark. The budget
// is exactly what each command takes now (it was 20/15/8/5/5 before
// release ids, then 12/8/4/3/1/2 before the engine stopped selecting the
// stack, read outputs from the file backend's state and an update's
// outputs from its events): a change that adds a process fails here and
// has to say why. A rollback that only switches is planned without an
// engine preview (its targets come from the release switch), so it is one
// engine operation (it was two: a preview, then the targeted update).
func TestPulumiProcessBudget(t *testing.T) {
	cli, err := deploy.EnsureCLI(context.Background(), testproject.CLI(t))
	require.NoError(t, err)
	dir := testproject.Copy(t)
	fastVerify(t, dir)
	logFile := filepath.Join(t.TempDir(), "pulumi.log")
	wrapper := filepath.Join(t.TempDir(), "pulumi")
	script := fmt.Sprintf("#!/bin/sh\nprintf '%%s\\n' \"$*\" >> %q\nexec %q \"$@\"\n", logFile, cli.Path)
	require.NoError(t, os.WriteFile(wrapper, []byte(script), 0o755))

	count := func(args ...string) (all, engine int, lines []string) {
		require.NoError(t, os.WriteFile(logFile, nil, 0o600))
		cmd := exec.Command(kirikaeBin(t), args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "NO_COLOR=1", "KIRIKAE_PULUMI="+wrapper)
		var errOut bytes.Buffer
		cmd.Stderr = &errOut
		require.NoError(t, cmd.Run(), "%v: %s", args, errOut.String())
		raw, err := os.ReadFile(logFile)
		require.NoError(t, err)
		for _, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
			if l == "" {
				continue
			}
			lines = append(lines, l)
			f := strings.Fields(strings.TrimPrefix(l, "--non-interactive "))
			if len(f) > 0 && (f[0] == "up" || f[0] == "preview" || f[0] == "refresh" || f[0] == "destroy") {
				engine++
			}
		}
		return len(lines), engine, lines
	}

	count("up", "--stack", "staging", "--sandbox", "--yes")
	pushImage(t, dir, "v2") // no Pulumi process: the build job's push
	for _, c := range []struct {
		args           []string
		budget, engine int
	}{
		{[]string{"up", "--stack", "staging", "--sandbox", "--yes", "--image", "v2"}, 3, 3},
		{[]string{"rollback", "--stack", "staging", "--sandbox", "--yes"}, 1, 1},
		{[]string{"preview", "--stack", "staging", "--sandbox"}, 1, 1},
		{[]string{"refresh", "--stack", "staging", "--sandbox", "--yes"}, 1, 1},
		{[]string{"outputs", "--stack", "staging", "--sandbox"}, 0, 0},
		{[]string{"releases", "--stack", "staging", "--sandbox"}, 0, 0},
		{[]string{"history", "--stack", "staging", "--sandbox"}, 1, 0},
		{[]string{"stacks", "--sandbox"}, 1, 0},
	} {
		all, engine, lines := count(c.args...)
		// scripts/bench reads this line for README "Performance".
		t.Logf("processes: %s %d (engine %d)", c.args[0], all, engine)
		assert.LessOrEqual(t, all, c.budget, "%s: pulumi processes\n%s", c.args[0], strings.Join(lines, "\n"))
		assert.LessOrEqual(t, engine, c.engine, "%s: engine operations", c.args[0])
		for _, l := range lines {
			assert.NotRegexp(t, `^version\b`, l, "%s: no `pulumi version` on a warm cache", c.args[0])
		}
	}
}
