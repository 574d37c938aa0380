package cli

import (
	"bufio"
	"fmt"
	"strings"
)

// protected reports stacks that never change without an explicit yes. The
// rule is the stack name, not config, so a config edit can't switch it off.
func protected(stack string) bool { return stack == "product" }

// confirmApply asks before changing a protected stack. On a terminal the
// user types "yes"; elsewhere (CI) --yes is required, because nobody can
// answer and a silent default would be a surprise either way.
func (f *factory) confirmApply(action string) error {
	return f.confirm(action, false)
}

// confirm asks before action; always makes every stack ask (rollback),
// otherwise only protected ones do.
func (f *factory) confirm(action string, always bool) error {
	stack := f.globals.Stack
	if f.globals.Yes || (!always && !protected(stack)) {
		return nil
	}
	if !f.io.TTY {
		return &exitError{code: ExitBadInput,
			msg:  fmt.Sprintf("refusing to %s %s without confirmation: not on a terminal, nothing was changed", action, stack),
			hint: "review the plan above, then re-run the same command with --yes"}
	}
	return f.ask(fmt.Sprintf("%s %s? Type \"yes\" to continue: ", action, stack), "yes", action)
}

// ask reads one line from stdin and compares it with want.
func (f *factory) ask(prompt, want, action string) error {
	fmt.Fprint(f.io.ErrOut, prompt)
	line, _ := bufio.NewReader(f.io.In).ReadString('\n')
	if strings.TrimSpace(line) != want {
		return &exitError{code: exitCancelled, msg: fmt.Sprintf("%s cancelled: answer was not %q; nothing was changed", action, want)}
	}
	return nil
}
