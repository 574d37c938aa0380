package view

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kirikae/kirikae/deploy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// command drives a view the way a CLI command does.
type command func(v View) error

func runOp(events bool, r func() *deploy.Result) command {
	return func(v View) error {
		v.Notice("sandbox: simulated AWS, nothing is created in AWS")
		if events {
			for _, e := range fixtureEvents() {
				v.Event(e)
			}
		}
		if err := v.Result(r()); err != nil {
			return err
		}
		return v.Close()
	}
}

var (
	cmdPreview  = runOp(true, previewResult)
	cmdUp       = runOp(true, upResult)
	cmdNoChange = runOp(false, noChangeResult)
	cmdRefresh  = runOp(false, refreshResult)
	cmdLong     = runOp(false, longResult)
	cmdHistory  = func(v View) error { return v.History("staging", fixtureHistory()) }
	cmdOutputs  = func(v View) error { return v.Outputs("staging", fixtureOutputs()) }
	cmdStacks   = func(v View) error { return v.Stacks(fixtureStacks()) }
	cmdConfig   = func(v View) error { return v.ConfigCheck(fixtureConfig()) }
	cmdVersion  = func(v View) error { return v.Version(fixtureVersion()) }
)

// fixedHuman is a human view whose status line is deterministic: a fixed
// clock and no ticker, so it only redraws on events.
func fixedHuman(out, errOut *bytes.Buffer, opts HumanOptions) View {
	h := newHuman(out, errOut, opts)
	h.now = func() time.Time { return t0 }
	h.interval = 0
	return h
}

type goldenCase struct {
	file string
	view func(out, errOut *bytes.Buffer) View
	run  command
}

func human(opts HumanOptions) func(out, errOut *bytes.Buffer) View {
	return func(out, errOut *bytes.Buffer) View { return fixedHuman(out, errOut, opts) }
}

func jsonView(opts JSONOptions) func(out, _ *bytes.Buffer) View {
	return func(out, _ *bytes.Buffer) View { return NewJSON(out, opts) }
}

func markdown(opts MarkdownOptions) func(out, _ *bytes.Buffer) View {
	return func(out, _ *bytes.Buffer) View { return NewMarkdown(out, opts) }
}

var mdOpts = MarkdownOptions{Command: "go run ./cmd up --stack staging"}

var goldenCases = []goldenCase{
	{"human_preview", human(HumanOptions{}), cmdPreview},
	{"human_up_diff", human(HumanOptions{ShowDiff: true}), cmdUp},
	{"human_nochange", human(HumanOptions{}), cmdNoChange},
	{"human_refresh_diff", human(HumanOptions{ShowDiff: true}), cmdRefresh},
	{"human_history", human(HumanOptions{}), cmdHistory},
	{"human_outputs", human(HumanOptions{}), cmdOutputs},
	{"human_stacks", human(HumanOptions{}), cmdStacks},
	{"human_config", human(HumanOptions{}), cmdConfig},
	{"human_version", human(HumanOptions{}), cmdVersion},
	{"human_tty_color", human(HumanOptions{TTY: true, Color: true, ShowDiff: true}), cmdUp},

	{"json_preview", jsonView(JSONOptions{}), cmdPreview},
	{"json_up", jsonView(JSONOptions{}), cmdUp},
	{"json_nochange", jsonView(JSONOptions{}), cmdNoChange},
	{"json_stream", jsonView(JSONOptions{Stream: true}), cmdUp},
	{"json_history", jsonView(JSONOptions{}), cmdHistory},
	{"json_outputs", jsonView(JSONOptions{}), cmdOutputs},
	{"json_stacks", jsonView(JSONOptions{}), cmdStacks},
	{"json_config", jsonView(JSONOptions{}), cmdConfig},
	{"json_version", jsonView(JSONOptions{}), cmdVersion},

	{"md_preview", markdown(mdOpts), cmdPreview},
	{"md_up", markdown(mdOpts), cmdUp},
	{"md_nochange", markdown(mdOpts), cmdNoChange},
	{"md_long", markdown(mdOpts), cmdLong},
	{"md_long_bytes", markdown(MarkdownOptions{MaxBytes: 6000, Command: mdOpts.Command}), cmdLong},
	{"md_history", markdown(mdOpts), cmdHistory},
	{"md_outputs", markdown(mdOpts), cmdOutputs},
	{"md_stacks", markdown(mdOpts), cmdStacks},
	{"md_config", markdown(mdOpts), cmdConfig},
	{"md_version", markdown(mdOpts), cmdVersion},
}

// render runs one case; stderr, when any, follows stdout under a marker.
func render(t *testing.T, c goldenCase) (stdout, all string) {
	t.Helper()
	var out, errOut bytes.Buffer
	require.NoError(t, c.run(c.view(&out, &errOut)))
	all = out.String()
	if errOut.Len() > 0 {
		all += "--- stderr ---\n" + errOut.String()
	}
	return out.String(), all
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.file, func(t *testing.T) {
			_, got := render(t, c)
			path := filepath.Join("testdata", c.file+".golden")
			if *update {
				require.NoError(t, os.MkdirAll("testdata", 0o755))
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./view -update to create it")
			assert.Equal(t, string(want), got)
		})
	}
}
