package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// NotifyInterrupts returns a context that the first Ctrl-C (or SIGTERM)
// cancels. The Automation API then interrupts the Pulumi engine, which
// finishes the resource operations in flight, saves its state and exits;
// the command returns and Main reports "cancelled by you" (exit 130). A
// second Ctrl-C calls force, for when waiting is not an option.
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
		select {
		case <-sigs:
			fmt.Fprintln(errOut, "kirikae: forced exit; the engine may not have saved its state, and the stack may stay locked until `cancel` clears it")
			force()
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}
