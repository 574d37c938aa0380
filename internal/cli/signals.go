package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// samePressWindow is how soon after the first signal another one still
// counts as the same Ctrl-C (see NotifyInterrupts).
const samePressWindow = time.Second

// NotifyInterrupts returns a context that the first Ctrl-C (or SIGTERM)
// cancels. The Automation API then interrupts the Pulumi engine, which
// finishes the resource operations in flight, saves its state and exits;
// the command returns and Main reports "cancelled by you" (exit 130). A
// second Ctrl-C calls force, for when waiting is not an option.
//
// One Ctrl-C can arrive twice. The terminal sends SIGINT to the whole
// process group, and a child that kirikae is starting at that moment (git,
// the Pulumi CLI) is, between fork and exec, a copy of kirikae sharing its
// memory and signal handlers (Go starts children with CLONE_VM|CLONE_VFORK):
// the child's copy of the SIGINT lands in kirikae's signal queue as well.
// Seen under strace in TestInterruptedUpLeavesTheTruth: two SIGINTs from
// one kill(-pgid), the second taken for "force". So a signal within
// samePressWindow of the first is the same press; a person who means
// "force" presses again after reading "cancelling…".
func NotifyInterrupts(parent context.Context, errOut io.Writer, force func()) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		// A leading newline moves off the "^C" the terminal echoed and any
		// status line.
		fmt.Fprintln(errOut, "\ncancelling… (Ctrl-C again to force)")
		cancel()
		first := time.Now()
		for {
			select {
			case <-sigs:
				if time.Since(first) < samePressWindow {
					continue
				}
				fmt.Fprintln(errOut, "kirikae: forced exit; the engine may not have saved its state, and the stack may stay locked until `cancel` clears it")
				force()
				return
			case <-done:
				return
			}
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}
