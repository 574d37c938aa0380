package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/stacks"
)

// Exit codes, documented in --help and the README.
const (
	ExitOK        = 0
	ExitFailed    = 1
	ExitBadInput  = 2
	ExitChanges   = 3
	exitCancelled = ExitBadInput
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

// changesFound is preview --expect-no-changes seeing changes.
func changesFound(stack string) error {
	return &exitError{code: ExitChanges, msg: "preview found changes on " + stack,
		hint: fmt.Sprintf("apply them with `kirikae up --stack %s`, or find the drift with `kirikae refresh --stack %s`", stack, stack)}
}

// codeOf maps an error to the exit code: input the user can fix is 2,
// everything else that failed is 1.
func codeOf(err error) int {
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
// fixing them all at once is the point of collecting them.
func report(w io.Writer, err error) int {
	if err == nil {
		return ExitOK
	}
	code := codeOf(err)
	var ee *exitError
	if errors.As(err, &ee) && ee.silent {
		return code
	}
	var invalid *stacks.ValidationError
	if errors.As(err, &invalid) {
		fmt.Fprintf(w, "kirikae: invalid stack config (%d problem(s)); next: fix them, then run `kirikae config check`\n", len(invalid.Problems))
		for _, p := range invalid.Problems {
			fmt.Fprintf(w, "  %s\n", p.String())
		}
		return code
	}
	msg := firstLine(err.Error())
	if hint := hintOf(err); hint != "" {
		msg += "; next: " + hint
	}
	fmt.Fprintln(w, "kirikae: "+msg)
	return code
}

func hintOf(err error) string {
	var ee *exitError
	if errors.As(err, &ee) && ee.hint != "" {
		return ee.hint
	}
	var h deploy.Hinted
	if errors.As(err, &h) {
		return h.Hint()
	}
	var unknown *stacks.ErrUnknownStack
	if errors.As(err, &unknown) {
		return "pass one of those stacks with --stack"
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
