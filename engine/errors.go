package engine

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// Hinted errors carry the next command or step for the user. The hint is
// built from inv, the options the user ran kirikae with, so a suggested
// command keeps --sandbox, --cwd and --backend.
type Hinted interface {
	error
	Hint(inv Invocation) string
}

// BadInput marks errors the user fixes by changing input (exit code 2 in the
// CLI): unknown stack, invalid config, no credentials. Operation failures
// (exit 1) do not implement it.
type BadInput interface {
	error
	BadInput() bool
}

// ConcurrentUpdateError means another process holds the stack's lock.
type ConcurrentUpdateError struct {
	Stack  string
	Holder string // user@host (pid N), when the backend says
	Since  string // RFC 3339, when the backend says
	// Stale: the holder ran on this machine and its process is gone.
	Stale bool
}

func (e *ConcurrentUpdateError) Error() string {
	msg := fmt.Sprintf("stack %s is being updated by another process", e.Stack)
	if e.Holder != "" {
		msg += fmt.Sprintf(" (%s since %s)", e.Holder, e.Since)
	}
	if e.Stale {
		msg = fmt.Sprintf("stack %s is locked by a process that is gone (%s since %s)", e.Stack, e.Holder, e.Since)
	}
	return msg
}

// Hint says what to do about the lock.
func (e *ConcurrentUpdateError) Hint(inv Invocation) string {
	if e.Stale {
		return fmt.Sprintf("it was killed before it released the lock; clear it with `%s`, then check what it changed with `%s`",
			inv.For(e.Stack).Command("cancel"), inv.For(e.Stack).Command("preview"))
	}
	return fmt.Sprintf("wait for it to finish, then retry; if that process died, clear its lock with `%s`", inv.For(e.Stack).Command("cancel"))
}

// ProgramError means the kirikae infrastructure program itself failed
// (a bug or a config value the program rejects), not AWS.
type ProgramError struct {
	Stack string
	Err   error
}

func (e *ProgramError) Error() string {
	return fmt.Sprintf("run infrastructure program for %s: %s", e.Stack, FirstLine(e.Err.Error()))
}
func (e *ProgramError) Unwrap() error { return e.Err }

// Hint points at config validation.
func (e *ProgramError) Hint(inv Invocation) string {
	// config check reads only the stack files: no --sandbox or --backend.
	return fmt.Sprintf("run `%s`", Invocation{Stack: e.Stack, Cwd: inv.Cwd}.Command("config check"))
}

// OperationError is a failed engine operation with the provider's messages.
type OperationError struct {
	Op     string
	Stack  string
	Errors []string // diagnostics the engine reported as errors
	Err    error
}

func (e *OperationError) Error() string {
	// The engine's own "error:" line (incorrect passphrase, a missing
	// plugin, a crashed language host), not the SDK's "exit status 1".
	reason := Message(e.Err.Error())
	if len(e.Errors) > 0 {
		reason = strings.Join(e.Errors, "; ")
	}
	return fmt.Sprintf("%s %s failed: %s", e.Op, e.Stack, reason)
}
func (e *OperationError) Unwrap() error { return e.Err }

// Hint says where to look next, never the command that just failed.
func (e *OperationError) Hint(inv Invocation) string {
	inv = inv.For(e.Stack)
	if e.Op == "preview" || e.Op == "drift" {
		return fmt.Sprintf("nothing was changed; fix the cause named above (`--verbose` shows the engine's own output), and `%s` shows what was applied before", inv.Command("history"))
	}
	return fmt.Sprintf("the stack state is saved; fix the cause and run `%s`, or `%s` to see what was applied", inv.Command("preview"), inv.Command("history"))
}

// StateError means the stack's state in the backend cannot be read.
type StateError struct {
	Stack string
	Path  string
	Err   error
}

func (e *StateError) Error() string {
	return fmt.Sprintf("read state of %s at %s: %s", e.Stack, e.Path, FirstLine(e.Err.Error()))
}
func (e *StateError) Unwrap() error { return e.Err }

// Hint says how to recover; kirikae leaves the file untouched.
func (e *StateError) Hint(Invocation) string {
	return "kirikae did not modify it; restore it from the .bak checkpoint beside it or your backup, or point --backend at the right state"
}

// BadInput: the user fixes the state file or backend choice.
func (e *StateError) BadInput() bool { return true }

// CredentialsError means real-AWS mode was asked for without credentials.
type CredentialsError struct{}

func (e *CredentialsError) Error() string {
	return "no AWS credentials found (AWS_ACCESS_KEY_ID, AWS_PROFILE, ~/.aws/credentials, web identity or container credentials)"
}

// Hint names both ways forward.
func (e *CredentialsError) Hint(Invocation) string {
	return "add --sandbox to try kirikae against simulated AWS, or configure credentials with `aws configure` / AWS_PROFILE"
}

// BadInput: the user fixes the environment.
func (e *CredentialsError) BadInput() bool { return true }

var lockHolderRe = regexp.MustCompile(`created by (\S+ \(pid \d+\)) at (\S+)`)

// classify is classify for this session's stack. An operation that failed
// because the user cancelled it is a CancelledError whatever the engine said.
func (s *Session) classify(op string, err error, diags []string) error {
	if err != nil && s.opened != nil && s.opened.Err() != nil {
		return &CancelledError{Op: op, Stack: s.opts.Stack, Err: err}
	}
	return s.passphraseCause(classify(op, s.opts.Stack, err, diags))
}

// CancelledError means the user cancelled the operation (Ctrl-C): the
// engine was interrupted and stopped cleanly, the state is saved, and
// whatever it had not yet applied was not applied. errors.Is(err,
// context.Canceled) holds, so callers need not know the type.
type CancelledError struct {
	Op    string
	Stack string
	Err   error // what the engine returned when interrupted
	// After says what kirikae did once the engine stopped (the release it
	// put back live); "" when nothing.
	After string
}

func (e *CancelledError) Error() string {
	return fmt.Sprintf("%s %s cancelled", e.Op, e.Stack)
}
func (e *CancelledError) Unwrap() error { return e.Err }

// Is makes a CancelledError a context.Canceled.
func (e *CancelledError) Is(target error) bool { return target == context.Canceled }

// Hint says how to see what the cancelled operation left.
func (e *CancelledError) Hint(inv Invocation) string {
	return fmt.Sprintf("`%s` shows what is left to apply", inv.For(e.Stack).Command("preview"))
}

// classify turns an Automation API error into a typed kirikae error. The SDK
// predicates need the unwrapped auto error, so they run before any wrapping.
func classify(op, stack string, err error, diags []string) error {
	if err == nil {
		return nil
	}
	if auto.IsConcurrentUpdateError(err) {
		ce := &ConcurrentUpdateError{Stack: stack}
		if m := lockHolderRe.FindStringSubmatch(err.Error()); m != nil {
			ce.Holder, ce.Since = m[1], m[2]
		}
		return ce
	}
	if auto.IsCompilationError(err) || auto.IsRuntimeError(err) {
		return &ProgramError{Stack: stack, Err: programCause(err, diags)}
	}
	if se := stateError(stack, err); se != nil {
		return se
	}
	return &OperationError{Op: op, Stack: stack, Errors: diags, Err: err}
}

func programCause(err error, diags []string) error {
	if len(diags) > 0 {
		return errors.New(strings.Join(diags, "; "))
	}
	return err
}

var stateFileRe = regexp.MustCompile(`(file://\S+?\.json(\.gz)?|/\S+/\.pulumi/stacks/\S+?\.json(\.gz)?)`)

// stateError recognises a checkpoint the engine could not load.
func stateError(stack string, err error) error {
	msg := err.Error()
	for _, marker := range []string{"could not deserialize", "failed to load checkpoint", "unmarshalling", "invalid character", "unsupported checkpoint version", "could not read deployment"} {
		if strings.Contains(msg, marker) {
			path := ""
			if m := stateFileRe.FindString(msg); m != "" {
				path = strings.TrimPrefix(m, "file://")
			}
			return &StateError{Stack: stack, Path: path, Err: errors.New(Message(msg))}
		}
	}
	return nil
}

// Message picks the "error: …" line out of the CLI's stderr dump.
func Message(msg string) string {
	for _, line := range strings.Split(msg, "\n") {
		// The SDK's error puts the CLI's first stderr line after "stderr: ".
		line = strings.TrimPrefix(strings.TrimSpace(line), "stderr: ")
		if strings.HasPrefix(line, "error: ") {
			return strings.TrimPrefix(line, "error: ")
		}
	}
	return FirstLine(msg)
}

// FirstLine is the first line of s, trimmed.
func FirstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// CheckpointError means a state checkpoint cannot be restored.
type CheckpointError struct {
	Stack     string
	Version   int
	Reason    string
	Available []int
}

func (e *CheckpointError) Error() string {
	msg := fmt.Sprintf("restore checkpoint %d of %s: %s", e.Version, e.Stack, e.Reason)
	if len(e.Available) > 0 {
		msg += fmt.Sprintf(" (checkpoints: %d..%d)", e.Available[0], e.Available[len(e.Available)-1])
	}
	return msg
}

// Hint points at history.
func (e *CheckpointError) Hint(inv Invocation) string {
	return fmt.Sprintf("`%s` lists update versions; checkpoints exist only in a file backend", inv.For(e.Stack).Command("history"))
}

// BadInput: the user picks another version or backend.
func (e *CheckpointError) BadInput() bool { return true }
