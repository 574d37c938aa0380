package deploy

import (
	"context"

	"github.com/kirikae/kirikae/engine"
)

// The engine adapter's types, under the names callers of deploy know: an
// operation's Result, its Events, the typed errors a user can fix. They
// are aliases, so a deploy.Result is an engine.Result.
type (
	Event          = engine.Event
	EventKind      = engine.EventKind
	Result         = engine.Result
	PropertyChange = engine.PropertyChange
	ResourceChange = engine.ResourceChange
	Output         = engine.Output
	Update         = engine.Update
	Invocation     = engine.Invocation
	CLIOptions     = engine.CLIOptions
	PreviewOptions = engine.PreviewOptions
	UpOptions      = engine.UpOptions
	StackInfo      = engine.StackInfo
	RestoreResult  = engine.RestoreResult

	Hinted                = engine.Hinted
	AccessDeniedError     = engine.AccessDeniedError
	BadInput              = engine.BadInput
	CancelledError        = engine.CancelledError
	CheckpointError       = engine.CheckpointError
	CLIMissingError       = engine.CLIMissingError
	ConcurrentUpdateError = engine.ConcurrentUpdateError
	OperationError        = engine.OperationError
	ProgramError          = engine.ProgramError
	SandboxBackendError   = engine.SandboxBackendError
	StateError            = engine.StateError
)

const (
	EventStepStarted = engine.EventStepStarted
	EventStepDone    = engine.EventStepDone
	EventStepFailed  = engine.EventStepFailed
	EventDiagnostic  = engine.EventDiagnostic
	EventSummary     = engine.EventSummary
	EventPhase       = engine.EventPhase

	OpCreate  = engine.OpCreate
	OpUpdate  = engine.OpUpdate
	OpReplace = engine.OpReplace
	OpDelete  = engine.OpDelete
	OpSame    = engine.OpSame

	PulumiVersion = engine.PulumiVersion
)

// PathsFor is engine.PathsFor: where a project keeps kirikae's state.
func PathsFor(projectDir string, sandbox bool) engine.Paths {
	return engine.PathsFor(projectDir, sandbox)
}

// EnsureCLI is engine.EnsureCLI: the pinned Pulumi CLI, built if needed.
func EnsureCLI(ctx context.Context, opts CLIOptions) (*engine.CLI, error) {
	return engine.EnsureCLI(ctx, opts)
}

// LocalOutputs reads a stack's outputs from the project's own file backend
// without the engine (ok false: no state yet).
func LocalOutputs(projectDir, stack string, sandbox bool) (map[string]Output, bool, error) {
	return engine.LocalOutputs(projectDir, stack, sandbox)
}

// AsAccessDenied is engine.AsAccessDenied: AWS's refusal found in err,
// typed, or nil.
func AsAccessDenied(err error) *AccessDeniedError { return engine.AsAccessDenied(err) }
