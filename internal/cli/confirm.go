package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"
)

// The confirmation rule, one for every command that changes something (up,
// rollback, promote, refresh, cancel):
//
//   - --yes goes ahead without asking.
//   - On a terminal the command first shows what will change (the plan),
//     then asks "[y/N]"; y or yes, in any case, goes ahead; anything else
//     changes nothing (exit 2).
//   - Off a terminal nobody can answer: a protected stack (product) refuses
//     without --yes (exit 2); other stacks go ahead, as CI expects.
//
// destroy and checkpoint restores cannot be switched back, so they are
// never implied: see checkDangerous.

// protected reports stacks that never change without an explicit yes. The
// rule is the stack name, not config, so a config edit can't switch it off.
func protected(stack string) bool { return stack == "product" }

// confirm applies the rule to action (e.g. "deploy to", "roll back") on the
// current stack. Call it after the plan has been shown.
func (f *factory) confirm(ctx context.Context, action string) error {
	stack := f.globals.Stack
	if f.globals.Yes {
		return nil
	}
	if !f.io.TTY {
		if !protected(stack) {
			return nil
		}
		return &exitError{code: ExitBadInput,
			msg:  fmt.Sprintf("refusing to %s %s without confirmation: not on a terminal, nothing was changed", action, stack),
			hint: "review the plan above, then re-run the same command with --yes"}
	}
	answer, err := f.ask(ctx, fmt.Sprintf("%s %s? [y/N] ", action, stack))
	if err != nil {
		return err
	}
	switch strings.ToLower(answer) {
	case "y", "yes":
		return nil
	}
	return &exitError{code: exitDeclined, msg: fmt.Sprintf("%s %s: not confirmed, nothing was changed", action, stack)}
}

// ask prints prompt and reads one line. Ctrl-C at the prompt cancels ctx;
// the read is abandoned then rather than left blocking the exit.
func (f *factory) ask(ctx context.Context, prompt string) (string, error) {
	fmt.Fprint(f.io.ErrOut, prompt)
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(f.io.In).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case s := <-line:
		return s, nil
	case <-ctx.Done():
		fmt.Fprintln(f.io.ErrOut)
		return "", ctx.Err()
	}
}
