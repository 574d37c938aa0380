package view

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
)

var reSGR = regexp.MustCompile(`\x1b\[[0-9;]*m`)

func TestHumanPlainHasNoEscapesOrCarriageReturns(t *testing.T) {
	got := everything(t, human(HumanOptions{ShowDiff: true}))
	assert.NotContains(t, got, "\x1b", "no ANSI when Color=false")
	assert.NotContains(t, got, "\r", "no status line when TTY=false")
}

func TestHumanTTYWithoutColorHasStatusButNoEscapes(t *testing.T) {
	got := everything(t, human(HumanOptions{TTY: true}))
	assert.Contains(t, got, "\r", "a terminal gets the status line")
	assert.NotContains(t, got, "\x1b", "NO_COLOR: not even an erase-line escape")
}

func TestHumanColor(t *testing.T) {
	got := everything(t, human(HumanOptions{Color: true}))
	assert.Regexp(t, reSGR, got)
	assert.NotContains(t, got, "\r", "colour alone does not enable the status line")
	// Colours wrap text only: stripped, the output equals the plain one.
	assert.Equal(t, everything(t, human(HumanOptions{})), reSGR.ReplaceAllString(got, ""))
}

func TestHumanStepLines(t *testing.T) {
	var out, errOut bytes.Buffer
	v := fixedHuman(&out, &errOut, HumanOptions{})
	for _, e := range fixtureEvents() {
		v.Event(e)
	}
	lines := strings.Split(out.String(), "\n")
	has := func(prefix string) int {
		n := 0
		for _, l := range lines {
			if strings.HasPrefix(l, prefix) {
				n++
			}
		}
		return n
	}
	assert.Equal(t, 1, has("  + create   aws:ecs/cluster:Cluster        cluster"))
	assert.Equal(t, 1, has("  ~ update   aws:ecs/service:Service        api (image, tags)"), "step-done of a shown update is not reprinted")
	assert.Equal(t, 1, has("  +-replace  aws:rds/instance:Instance      db [replaces: identifier]"))
	assert.Equal(t, 1, strings.Count(out.String(), " db"), "the halves of a replacement are one line")
	assert.Equal(t, 1, has("  - delete   aws:sqs/queue:Queue            old-queue"))
	assert.Equal(t, 1, has("  ~ update   aws:s3/bucket:Bucket           assets (drifted: versioning)"), "refresh drift")
	assert.NotContains(t, out.String(), "task-role", "same steps are quiet")
	assert.Equal(t, 1, has("  error: deleting queue: AccessDenied"), "prefix not doubled")
	assert.Equal(t, 1, has("  warning: deprecated argument foo"), "engine colours stripped")
	assert.NotContains(t, out.String(), "engine chatter", "info without a resource is dropped")
	assert.Equal(t, 1, has("  info: api: waiting"))
	assert.Empty(t, errOut.String())
}

func TestHumanNoticesGoToErrOut(t *testing.T) {
	var out, errOut bytes.Buffer
	v := NewHuman(&out, &errOut, HumanOptions{})
	v.Notice("sandbox: simulated")
	assert.Empty(t, out.String())
	assert.Equal(t, "sandbox: simulated\n", errOut.String())
}

func TestHumanSummaries(t *testing.T) {
	for _, tc := range []struct {
		r    *deploy.Result
		want string
	}{
		{previewResult(), "Preview of staging: 1 to create, 2 to update, 1 to replace, 1 to delete, 40 unchanged (1.2s)\n"},
		{upResult(), "Updated staging: 1 created, 2 updated, 1 replaced, 1 deleted, 40 unchanged (1m12s)\n"},
		{noChangeResult(), "No changes. staging is up to date.\n"},
		{&deploy.Result{Operation: "destroy", Stack: "staging", Changes: map[string]int{"delete": 45}, Duration: 90 * time.Second},
			"Destroyed staging: 45 deleted (1m30s)\n"},
		{&deploy.Result{Operation: "refresh", Stack: "staging", Changes: map[string]int{"same": 45}}, "No drift. staging matches its resources.\n"},
		// Without an engine summary the counts come from the resources.
		{&deploy.Result{Operation: "preview", Stack: "staging", Resources: fixtureResources()},
			"Preview of staging: 1 to create, 2 to update, 1 to replace, 1 to delete (0.0s)\n"},
	} {
		var out bytes.Buffer
		tc.r.Outputs = nil
		require.NoError(t, NewHuman(&out, &out, HumanOptions{}).Result(tc.r))
		assert.Equal(t, tc.want, out.String())
	}
}

func TestHumanDiffTruncatesLongValues(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, NewHuman(&out, &out, HumanOptions{ShowDiff: true}).Result(previewResult()))
	for _, line := range strings.Split(out.String(), "\n") {
		// path + ": + " + an 80-rune value at most
		assert.LessOrEqual(t, len([]rune(line)), 4+len("environment: + ")+maxValue, line)
	}
	assert.Contains(t, out.String(), "eighty-character-…")
	assert.Contains(t, out.String(), `    image: "repo:v1" → "repo:v2"`)
}

// The ticker redraws the status line between events; Close must stop it
// so nothing is written afterwards (run with -race).
func TestHumanSpinnerStopsOnClose(t *testing.T) {
	var out, errOut bytes.Buffer
	h := newHuman(&out, &errOut, HumanOptions{TTY: true})
	h.interval = time.Millisecond
	h.Event(deploy.Event{Kind: deploy.EventStepStarted, Op: "create", URN: "u", Type: "t", Name: "n"})
	time.Sleep(20 * time.Millisecond)
	require.NoError(t, h.Close())
	n := out.Len()
	time.Sleep(10 * time.Millisecond)
	h.mu.Lock()
	defer h.mu.Unlock()
	assert.Equal(t, n, out.Len(), "written after Close")
	assert.Greater(t, strings.Count(out.String(), "\r"), 4, "the spinner redrew between events")
	assert.True(t, strings.HasSuffix(out.String(), "\r"), "the status line is cleared")
}

func TestHumanEmptyLists(t *testing.T) {
	var out bytes.Buffer
	v := NewHuman(&out, &out, HumanOptions{})
	require.NoError(t, v.History("staging", nil))
	require.NoError(t, v.Outputs("staging", nil))
	require.NoError(t, v.Stacks(nil))
	assert.Equal(t, "No updates yet: staging has never been deployed.\n"+
		"No outputs: staging has not been deployed.\n"+
		"No stacks: no Pulumi.<stack>.yaml found.\n", out.String())
}

func TestHumanConfigOK(t *testing.T) {
	var out bytes.Buffer
	report := ConfigReport{Stacks: []StackProblems{{Stack: "staging", File: "Pulumi.staging.yaml"}}}
	require.NoError(t, NewHuman(&out, &out, HumanOptions{}).ConfigCheck(report))
	assert.Equal(t, "✓ staging  Pulumi.staging.yaml\nConfig OK: every stack file is valid and sets the same keys.\n", out.String())
}

// screen replays output the way a terminal shows it: "\r" returns to the
// start of the line and later text overwrites earlier text.
func screen(s string) string {
	var lines [][]rune
	row, col := 0, 0
	for _, r := range s {
		for len(lines) <= row {
			lines = append(lines, nil)
		}
		switch r {
		case '\r':
			col = 0
		case '\n':
			row, col = row+1, 0
		default:
			for len(lines[row]) <= col {
				lines[row] = append(lines[row], ' ')
			}
			lines[row][col] = r
			col++
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimRight(string(l), " ")
	}
	return strings.Join(out, "\n")
}

// The status line must leave no residue: once replayed, a terminal shows
// exactly what a log gets.
func TestHumanTTYScreenMatchesPlain(t *testing.T) {
	for _, cmd := range []command{cmdPreview, cmdUp} {
		var tty, ttyErr, plain, plainErr bytes.Buffer
		require.NoError(t, cmd(fixedHuman(&tty, &ttyErr, HumanOptions{TTY: true, ShowDiff: true})))
		require.NoError(t, cmd(fixedHuman(&plain, &plainErr, HumanOptions{ShowDiff: true})))
		require.Contains(t, tty.String(), "⠋ apply", "the status line was drawn")
		assert.Equal(t, screen(plain.String()), screen(tty.String()))
	}
}

// A shorter status line must cover every character of a longer one.
func TestHumanStatusLineShrinks(t *testing.T) {
	var out, errOut bytes.Buffer
	v := fixedHuman(&out, &errOut, HumanOptions{TTY: true})
	v.Event(deploy.Event{Kind: deploy.EventStepStarted, Op: "create", URN: "u", Name: "a-rather-long-resource-name"})
	v.Event(deploy.Event{Kind: deploy.EventStepDone, Op: "create", URN: "u", Name: "a-rather-long-resource-name"})
	assert.Equal(t, "  + create                                  a-rather-long-resource-name\n⠋ apply · 1 changed · 0.0s", screen(out.String()))
	require.NoError(t, v.Close())
	assert.Equal(t, "  + create                                  a-rather-long-resource-name\n", screen(out.String()), "Close clears the status line")
}

// The status line names the phase and counts changed resources against the
// plan; unchanged ones are not progress.
func TestHumanStatusLineNamesPhaseAndCountsChanges(t *testing.T) {
	var out, errOut bytes.Buffer
	v := fixedHuman(&out, &errOut, HumanOptions{TTY: true})
	v.Event(deploy.Event{Kind: deploy.EventPhase, Phase: "preview"})
	assert.Equal(t, "⠋ preview · 0.0s", screen(out.String()), "a spinner while previewing, no line")
	plan := &deploy.Plan{Stack: "staging", Kind: "deploy", Preview: &deploy.Result{Operation: "preview", Stack: "staging",
		Resources: []deploy.ResourceChange{
			{URN: "u1", Type: "aws:ecs/service:Service", Name: "green", Op: "update"},
			{URN: "u2", Type: "aws:lb/listener:Listener", Name: "http", Op: "update"},
		}}}
	require.NoError(t, v.Plan(plan))
	planned := out.String()
	for i := range 40 {
		urn := fmt.Sprintf("same-%d", i)
		v.Event(deploy.Event{Kind: deploy.EventStepStarted, Op: "same", URN: urn, Name: urn})
		v.Event(deploy.Event{Kind: deploy.EventStepDone, Op: "same", URN: urn, Name: urn})
	}
	v.Event(deploy.Event{Kind: deploy.EventPhase, Phase: "stage", Message: "stage: green gets image v2"})
	v.Event(deploy.Event{Kind: deploy.EventStepStarted, Op: "update", URN: "u1", Type: "aws:ecs/service:Service", Name: "green"})
	v.Event(deploy.Event{Kind: deploy.EventStepDone, Op: "update", URN: "u1", Type: "aws:ecs/service:Service", Name: "green"})
	v.Event(deploy.Event{Kind: deploy.EventPhase, Phase: "verify", Message: "verify: api"})
	applied := strings.TrimPrefix(out.String(), planned)
	assert.Equal(t, "  → stage: green gets image v2\n  → verify: api\n⠋ verify · 1/2 changed · 0.0s", screen(applied))
	assert.NotContains(t, applied, "aws:ecs/service:Service", "resource lines print once, in the plan")
	require.NoError(t, v.Close())
}

func TestHumanFirstDeployPlan(t *testing.T) {
	var out, errOut bytes.Buffer
	v := fixedHuman(&out, &errOut, HumanOptions{})
	plan := &deploy.Plan{Stack: "staging", Kind: "deploy", First: true, Switches: []string{}, Downtime: "none: switch only",
		Preview: &deploy.Result{Operation: "preview", Stack: "staging", Resources: []deploy.ResourceChange{
			{URN: "u1", Type: "aws:ecs/cluster:Cluster", Name: "cluster", Op: "create"},
			{URN: "u2", Type: "aws:lb/listener:Listener", Name: "http", Op: "create"},
		}}}
	require.NoError(t, v.Plan(plan))
	assert.Contains(t, out.String(), "first deploy  2 resources, nothing to switch")
	assert.NotContains(t, out.String(), "switch  ")
	assert.NotContains(t, out.String(), "downtime")
}
