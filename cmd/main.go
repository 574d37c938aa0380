// Command kirikae: infrastructure and switch-style deploys on AWS.
//
//	go run ./cmd up --stack staging --sandbox
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/kirikae/kirikae/internal/cli"
	"github.com/kirikae/kirikae/internal/quietterm"
)

func main() {
	// First: TERM was set aside so NO_COLOR runs never query the terminal.
	quietterm.Restore()
	// A closed stdout (`kirikae up --json | head`) must not kill kirikae in
	// the middle of an update: the engine's language host and the sandbox
	// provider live in this process. Writes then fail, the update finishes.
	signal.Ignore(syscall.SIGPIPE)
	// Ctrl-C cancels the context; the Automation API then stops the engine
	// cleanly so the stack's state stays loadable. A second Ctrl-C exits.
	ctx, stop := cli.NotifyInterrupts(context.Background(), os.Stderr, func() { os.Exit(cli.ExitCancelled) })
	code := cli.Main(ctx, os.Args[1:], cli.SystemIO())
	stop()
	os.Exit(code)
}
