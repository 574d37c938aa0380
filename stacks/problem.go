package stacks

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a stack's configuration.
type Problem struct {
	File    string // stack file, or "override" for a value given on the command line
	Key     string // exact key spelling; "" for file-level problems
	Line    int    // 0 when unknown (defaults, overrides)
	Value   string // offending value as written; "" when absent or secret
	Message string // what is wrong and what is allowed
}

// String renders file:line: key: "value" message.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Key != "" {
		b.WriteString(p.Key + ": ")
	}
	if p.Value != "" {
		fmt.Fprintf(&b, "%q ", p.Value)
	}
	b.WriteString(p.Message)
	return b.String()
}

// ValidationError holds every problem found in one pass, so a user fixes a
// stack file once instead of once per problem.
type ValidationError struct {
	Problems []Problem
}

// Error is one line per problem.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// ErrUnknownStack reports a stack with no Pulumi.<stack>.yaml.
type ErrUnknownStack struct {
	Stack string
	Dir   string
	Known []string // stacks that do exist, sorted
}

func (e *ErrUnknownStack) Error() string {
	known := "none"
	if len(e.Known) > 0 {
		known = strings.Join(e.Known, ", ")
	}
	return fmt.Sprintf("unknown stack %q: no Pulumi.%s.yaml in %s; stacks: %s", e.Stack, e.Stack, e.Dir, known)
}
