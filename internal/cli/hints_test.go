package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/stacks"
	"github.com/kirikae/kirikae/view"
)

// Every error that suggests a kirikae command must repeat the options in
// effect: a hint that drops --sandbox sends the pasted command to real AWS.
func TestEveryHintKeepsTheFlagsInEffect(t *testing.T) {
	inv := deploy.Invocation{Stack: "staging", Sandbox: true, Cwd: "../proj", Backend: "file:///tmp/state"}
	cause := errors.New("boom")
	errs := []error{
		&deploy.ConcurrentUpdateError{Stack: "staging"},
		&deploy.ConcurrentUpdateError{Stack: "staging", Stale: true},
		&deploy.LockHeldError{Stack: "staging"},
		&deploy.NoLogsError{Stack: "staging", Group: "/ecs/x"},
		&deploy.OperationError{Op: "up", Stack: "staging", Err: cause},
		&deploy.AccessDeniedError{Role: "kirikae-preview", Action: "s3:PutObject", Err: cause},
		&deploy.CancelledError{Op: "up", Stack: "staging", Err: cause},
		&deploy.VerifyFailedError{Stack: "staging", Err: cause},
		&deploy.VerifyFailedError{Stack: "staging", RolledBackTo: 3, Err: cause},
		&deploy.ReleaseNotFoundError{Stack: "staging", To: "9"},
		&deploy.PromoteRefusedError{From: "staging", To: "product"},
		&deploy.CheckpointError{Stack: "staging", Version: 2},
		changesFound(inv),
	}
	for _, err := range errs {
		var out bytes.Buffer
		report(&out, err, inv)
		line := out.String()
		assert.Contains(t, line, "`kirikae ", "%T suggests a command: %s", err, line)
		for _, cmd := range commandsIn(line) {
			assert.Contains(t, cmd, "--stack staging", "%T: %s", err, cmd)
			assert.Contains(t, cmd, "--sandbox", "%T: %s", err, cmd)
			assert.Contains(t, cmd, "--cwd ../proj", "%T: %s", err, cmd)
			assert.Contains(t, cmd, "--backend file:///tmp/state", "%T: %s", err, cmd)
		}
	}
}

func TestProgramErrorHintChecksConfigOnly(t *testing.T) {
	var out bytes.Buffer
	report(&out, &deploy.ProgramError{Stack: "staging", Err: errors.New("x")}, deploy.Invocation{Stack: "staging", Sandbox: true, Cwd: "p"})
	assert.Contains(t, out.String(), "`kirikae config check --stack staging --cwd p`")
}

func TestInvocationLeavesDefaultsOut(t *testing.T) {
	assert.Equal(t, "kirikae up --stack staging --image v2", deploy.Invocation{Stack: "staging", Cwd: "."}.Command("up", "--image", "v2"))
	assert.Equal(t, "kirikae rollback --stack staging --to 3 --sandbox --cwd 'my dir'",
		deploy.Invocation{Stack: "staging", Sandbox: true, Cwd: "my dir"}.Command("rollback", "--to", "3"))
	assert.Equal(t, "kirikae cancel --stack product --sandbox", deploy.Invocation{Stack: "staging", Sandbox: true}.For("product").Command("cancel"))
}

// commandsIn returns the `kirikae …` code spans of a line.
func commandsIn(line string) []string {
	var cmds []string
	parts := strings.Split(line, "`")
	for i := 1; i < len(parts); i += 2 {
		if strings.HasPrefix(parts[i], "kirikae ") {
			cmds = append(cmds, parts[i])
		}
	}
	return cmds
}

func TestCancelledReportIsOneLineExit130(t *testing.T) {
	var out bytes.Buffer
	err := &deploy.CancelledError{Op: "up", Stack: "staging", Err: errors.New("signal: interrupt")}
	require.ErrorIs(t, err, context.Canceled)
	code := report(&out, err, deploy.Invocation{Stack: "staging", Sandbox: true})
	assert.Equal(t, ExitCancelled, code)
	assert.Equal(t, 1, strings.Count(out.String(), "\n"), out.String())
	assert.Contains(t, out.String(), "cancelled by you")
	assert.NotContains(t, out.String(), "signal: interrupt")
}

func TestMainReportsAnyFailureAfterCtrlCAsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	errOut := &bytes.Buffer{}
	// A failure with a cancelled context, whatever it says, was the user's
	// Ctrl-C: the prompt read is abandoned here.
	code := Main(ctx, []string{"preview", "--stack", "nosuch", "--cwd", "../.."}, &IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: errOut})
	assert.Equal(t, ExitCancelled, code, errOut.String())
	assert.Equal(t, "kirikae: cancelled by you\n", errOut.String())
}

func TestDidYouMean(t *testing.T) {
	code, _, errOut := runMain("uo")
	assert.Equal(t, ExitBadInput, code)
	assert.Contains(t, errOut, "did you mean `kirikae up`?")
	assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)

	code, _, errOut = runMain("preview", "--stack", "stagin", "--cwd", "../..", "--sandbox")
	assert.Equal(t, ExitBadInput, code)
	assert.Contains(t, errOut, "did you mean --stack staging?")

	assert.Equal(t, "pass one of those stacks with --stack",
		hintOf(&stacks.ErrUnknownStack{Stack: "qa", Known: []string{"product", "staging"}}, deploy.Invocation{}), "no suggestion for a stranger")
}

func TestNoCommandPrintsHelpAndExits2(t *testing.T) {
	code, out, _ := runMain()
	assert.Equal(t, ExitBadInput, code)
	assert.Contains(t, out, "Usage:")
}

func TestRollbackHelpNamesTheToPlaceholder(t *testing.T) {
	code, out, _ := runMain("rollback", "--help")
	require.Equal(t, ExitOK, code)
	assert.Contains(t, out, "--to RELEASE")
	assert.NotContains(t, out, "--to kirikae")
}

// An engine error the human view printed as it happened is not repeated by
// the closing line: the command says it once.
func TestEngineErrorShownAboveIsSaidOnce(t *testing.T) {
	msg := `resource type "aws:sqs/queue:Queu" does not exist in pulumi-aws v6; did you mean "aws:sqs/queue:Queue"?`
	var out bytes.Buffer
	v := view.NewHuman(&out, &out, view.HumanOptions{})
	v.Event(deploy.Event{Kind: deploy.EventDiagnostic, Severity: "error", URN: "urn:pulumi:staging::kirikae::aws:sqs/queue:Queu::jobs",
		Name: "jobs", Message: "error: " + msg + "\n"})
	shown := v.(interface{ ShownErrors() []string }).ShownErrors()
	err := &deploy.OperationError{Op: "preview", Stack: "staging", Errors: []string{msg}, Err: errors.New("exit status 255")}
	report(&out, err, deploy.Invocation{Stack: "staging", Sandbox: true}, shown...)
	assert.Equal(t, 1, strings.Count(out.String(), msg), out.String())
	assert.Contains(t, out.String(), "kirikae: preview staging failed (error above); next: nothing was changed")

	// Not shown (the view streamed nothing, as during up's planning): the
	// closing line carries the error itself.
	out.Reset()
	report(&out, err, deploy.Invocation{Stack: "staging", Sandbox: true})
	assert.Equal(t, 1, strings.Count(out.String(), msg), out.String())
}
