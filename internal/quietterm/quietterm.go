// Package quietterm keeps kirikae from querying the terminal when the user
// asked for plain output (NO_COLOR).
//
// The Pulumi SDK's Automation API imports bubbletea, whose package init asks
// the terminal for its background colour (ESC]11;? then ESC[6n) through
// termenv, on stdout, before main runs. Those bytes land in a NO_COLOR
// user's scrollback and in terminal recordings. termenv skips the query when
// TERM is "dumb", so this package sets TERM=dumb during initialisation and
// main puts the real value back with Restore, before anything else (the
// Pulumi CLI, a pager) can read it.
//
// It works because Go initialises packages in import-path order among those
// whose imports are ready (Go 1.21+): this package imports only the
// standard library and sorts before github.com/mattn/go-isatty, which
// termenv (and so bubbletea) needs. TestNoColorTerminalGetsNoEscapes
// (internal/cli, through a pseudo-terminal) fails if that ever changes.
package quietterm

import "os"

var (
	term, hadTerm = os.LookupEnv("TERM")
	active        = os.Getenv("NO_COLOR") != ""
)

func init() {
	if active {
		_ = os.Setenv("TERM", "dumb")
	}
}

// Restore puts TERM back as the user had it.
func Restore() {
	if !active {
		return
	}
	active = false
	if hadTerm {
		_ = os.Setenv("TERM", term)
	} else {
		_ = os.Unsetenv("TERM")
	}
}
