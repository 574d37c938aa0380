package engine

import (
	"strings"
)

// Invocation is how the user reached kirikae: the options in effect that
// any command suggested to them must repeat. A hint that drops --sandbox
// sends the pasted command to real AWS, so every suggested command is built
// here and nowhere else.
type Invocation struct {
	Stack   string
	Sandbox bool
	// Cwd is the project directory as the user typed it; "" or "." is left
	// out.
	Cwd string
	// Backend is the state backend URL when the user chose one explicitly
	// (flag or KIRIKAE_BACKEND); "" is left out.
	Backend string
}

// For is the same invocation aimed at another stack (promote's source).
func (i Invocation) For(stack string) Invocation {
	i.Stack = stack
	return i
}

// Command renders "kirikae <sub> --stack S <args…> [--sandbox] [--cwd D]
// [--backend B]". Arguments with spaces or shell metacharacters are quoted
// so the line can be pasted as is.
func (i Invocation) Command(sub string, args ...string) string {
	parts := []string{"kirikae"}
	parts = append(parts, strings.Fields(sub)...)
	if i.Stack != "" {
		parts = append(parts, "--stack", quote(i.Stack))
	}
	for _, a := range args {
		parts = append(parts, quote(a))
	}
	if i.Sandbox {
		parts = append(parts, "--sandbox")
	}
	if i.Cwd != "" && i.Cwd != "." {
		parts = append(parts, "--cwd", quote(i.Cwd))
	}
	if i.Backend != "" {
		parts = append(parts, "--backend", quote(i.Backend))
	}
	return strings.Join(parts, " ")
}

// quote single-quotes s for a POSIX shell when it needs it.
func quote(s string) string {
	if s == "" {
		return "''"
	}
	if strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@%+,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Invocation is the session's invocation, aimed at its stack. Options
// without one (library use, tests) get the mode flags the session knows.
func (s *Session) Invocation() Invocation {
	inv := s.opts.Invocation
	if inv == (Invocation{}) {
		inv = Invocation{Sandbox: s.opts.Sandbox, Backend: s.opts.Backend}
	}
	return inv.For(s.opts.Stack)
}
