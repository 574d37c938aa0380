package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/stacks"
)

// Exit codes, documented in --help and docs/commands.md.
const (
	ExitOK       = 0
	ExitFailed   = 1
	ExitBadInput = 2
	ExitChanges  = 3
	// ExitCancelled is Ctrl-C, as shells report a process SIGINT ended
	// (128 + 2), though kirikae stopped the engine cleanly first.
	ExitCancelled = 130
	// exitDeclined is a confirmation answered with anything but yes:
	// nothing changed, like any other missing confirmation.
	exitDeclined = ExitBadInput
)

// exitError carries an exit code and an optional hint through cobra.
type exitError struct {
	code int
	msg  string
	hint string
	// silent errors have been reported by the view already.
	silent bool
}

func (e *exitError) Error() string { return e.msg }

func usageError(msg string) error { return &exitError{code: ExitBadInput, msg: msg} }

// cancelledError is any failure of a command the user cancelled: whatever
// broke, it broke because they pressed Ctrl-C.
type cancelledError struct{ err error }

func (e *cancelledError) Error() string        { return e.err.Error() }
func (e *cancelledError) Unwrap() error        { return e.err }
func (e *cancelledError) Is(target error) bool { return target == context.Canceled }

// changesFound is preview --expect-no-changes seeing changes.
func changesFound(inv deploy.Invocation) error {
	return &exitError{code: ExitChanges, msg: "preview found changes on " + inv.Stack,
		hint: fmt.Sprintf("apply them with `%s`, or find the drift with `%s`", inv.Command("up"), inv.Command("refresh"))}
}

// codeOf maps an error to the exit code: input the user can fix is 2,
// everything else that failed is 1.
func codeOf(err error) int {
	if errors.Is(err, context.Canceled) {
		return ExitCancelled
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var bad deploy.BadInput
	var unknown *stacks.ErrUnknownStack
	var invalid *stacks.ValidationError
	var cli *deploy.CLIMissingError
	switch {
	case errors.As(err, &bad), errors.As(err, &unknown), errors.As(err, &invalid), errors.As(err, &cli):
		return ExitBadInput
	case strings.HasPrefix(err.Error(), "unknown command"), strings.HasPrefix(err.Error(), "unknown flag"),
		strings.Contains(err.Error(), "required flag"), strings.Contains(err.Error(), "accepts "):
		return ExitBadInput
	}
	return ExitFailed
}

// report prints err as one line — what failed, why, and the next command —
// and returns the exit code. Validation problems follow, one per line, since
// fixing them all at once is the point of collecting them. Suggested
// commands are built from inv, the options in effect. shown are the engine
// errors the view printed already: the line refers to them, not repeats them.
func report(w io.Writer, err error, inv deploy.Invocation, shown ...string) int {
	if err == nil {
		return ExitOK
	}
	code := codeOf(err)
	var ee *exitError
	if errors.As(err, &ee) && ee.silent {
		return code
	}
	if code == ExitCancelled {
		fmt.Fprintln(w, "kirikae: "+cancelledLine(err, inv))
		return code
	}
	var invalid *stacks.ValidationError
	if errors.As(err, &invalid) {
		fmt.Fprintf(w, "kirikae: invalid stack config (%d problem(s)); next: fix them, then run `%s`\n",
			len(invalid.Problems), deploy.Invocation{Cwd: inv.Cwd}.Command("config check"))
		for _, p := range invalid.Problems {
			fmt.Fprintf(w, "  %s\n", p.String())
		}
		return code
	}
	// AWS's refusal, from the data plane or the provider, becomes one line
	// naming the role and the action it lacks.
	if denied := deploy.AsAccessDenied(err); denied != nil {
		err = denied
	}
	msg := sayOnce(err, firstLine(err.Error()), shown)
	if s := commandSuggestion(err); s != "" {
		msg += "; did you mean `kirikae " + s + "`?"
	} else if s := stackAsArgument(err, inv); s != "" {
		msg += "; a stack is named with --stack: did you mean `" + s + "`?"
	}
	if hint := hintOf(err, inv); hint != "" {
		msg += "; next: " + hint
	}
	fmt.Fprintln(w, "kirikae: "+msg)
	return code
}

// sayOnce shortens msg when every engine error it carries was printed
// above it by the view, so an error is said once: "preview staging failed
// (error above)".
func sayOnce(err error, msg string, shown []string) string {
	var oe *deploy.OperationError
	if len(shown) == 0 || !errors.As(err, &oe) || len(oe.Errors) == 0 {
		return msg
	}
	for _, e := range oe.Errors {
		if !slices.Contains(shown, e) {
			return msg
		}
	}
	return strings.Replace(msg, oe.Error(), fmt.Sprintf("%s %s failed (error above)", oe.Op, oe.Stack), 1)
}

// cancelledLine is the one line a Ctrl-C ends with.
func cancelledLine(err error, inv deploy.Invocation) string {
	var ce *deploy.CancelledError
	if errors.As(err, &ce) {
		if ce.After != "" {
			return fmt.Sprintf("%s %s cancelled by you; the engine stopped cleanly and saved the state; %s", ce.Op, ce.Stack, ce.After)
		}
		return fmt.Sprintf("%s %s cancelled by you; the engine stopped cleanly and saved the state; next: %s", ce.Op, ce.Stack, ce.Hint(inv))
	}
	return "cancelled by you"
}

func hintOf(err error, inv deploy.Invocation) string {
	var ee *exitError
	if errors.As(err, &ee) && ee.hint != "" {
		return ee.hint
	}
	var h deploy.Hinted
	if errors.As(err, &h) {
		return h.Hint(inv)
	}
	// Errors whose hint needs no command line (a file mode, a URL scheme),
	// including those of packages below deploy.
	var plain interface{ Hint() string }
	if errors.As(err, &plain) {
		return plain.Hint()
	}
	var unknown *stacks.ErrUnknownStack
	if errors.As(err, &unknown) {
		if s := stacks.Closest(unknown.Stack, unknown.Known); s != "" {
			return fmt.Sprintf("did you mean --stack %s?", s)
		}
		return "pass one of those stacks with --stack"
	}
	return ""
}

// cobra puts its suggestions on the lines after "unknown command"; the
// report is one line, so they are folded into it.
var suggestionRe = regexp.MustCompile(`(?s)Did you mean this\?\s+(\S+)`)

func commandSuggestion(err error) string {
	if !strings.HasPrefix(err.Error(), "unknown command") {
		return ""
	}
	if m := suggestionRe.FindStringSubmatch(err.Error()); m != nil {
		return m[1]
	}
	return ""
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
