package deploy

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/engine"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
)

// The program Pulumi.yaml names (cmd/pulumi-program) is what a plain
// `pulumi preview` or `pulumi up` in the repository runs. The repo's stack
// file holds the stack's first release values (imageTag: v1 …), not the
// live ones, which kirikae applies at each run; run as is, it would show
// (and apply) a rollback to them. So the program applies the live release
// values as kirikae's preview does, and a preview of a deployed stack shows
// no changes. An update is refused: a release moves through kirikae (its
// deploy lock, verification, records), never through a bare update.

// PlainProgramEnv is what the plain program needs from its environment:
// the project directory and the backend the CLI runs against
// (PULUMI_BACKEND_URL; "" is the one `pulumi login` chose).
type PlainProgramEnv struct {
	ProjectDir string
	BackendURL string
}

// PlainUpError refuses an update run by a plain `pulumi up`.
type PlainUpError struct {
	Stack string
	// Command is the kirikae command that deploys the stack.
	Command string
}

func (e *PlainUpError) Error() string {
	return fmt.Sprintf("pulumi up does not deploy kirikae stack %s (it would skip kirikae's lock, verification and records); deploy with `%s`", e.Stack, e.Command)
}

// RefusePlainUp returns the PlainUpError for an update (dryRun false) and
// nil for a preview. The program calls it before pulumi.Run: once the
// root stack resource is registered, a failed program would still write
// its (empty) outputs over the live ones.
func RefusePlainUp(env PlainProgramEnv, stack string, dryRun bool) error {
	if dryRun {
		return nil
	}
	return &PlainUpError{Stack: stack, Command: plainInvocation(env, stack).Command("up")}
}

// plainInvocation is how kirikae is run for the backend the plain CLI
// used: the sandbox's own backend means --sandbox, the project's default
// nothing, and any other one --backend.
func plainInvocation(env PlainProgramEnv, stack string) Invocation {
	inv := Invocation{Stack: stack}
	switch {
	case isSandboxBackend(env.ProjectDir, env.BackendURL):
		inv.Sandbox = true
	case env.BackendURL == "", env.BackendURL == PathsFor(env.ProjectDir, false).BackendURL(""):
	default:
		inv.Backend = env.BackendURL
	}
	return inv
}

// PlainProgram is the infrastructure program with the stack's live release
// values applied, read from its releaseValues output as `kirikae preview`
// reads them (the repo file's values for a stack never deployed).
func PlainProgram(env PlainProgramEnv) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		cfg, err := plainConfig(ctx.Context(), env, ctx.Stack())
		if err != nil {
			return err
		}
		return engine.Program(env.ProjectDir, cfg, infra.Yours, releaseExports)(ctx)
	}
}

// plainConfig is the stack's config with its live release values applied.
func plainConfig(ctx context.Context, env PlainProgramEnv, stack string) (stacks.Config, error) {
	base, err := stacks.Load(env.ProjectDir, stack)
	if err != nil {
		return stacks.Config{}, err
	}
	outs, _, err := engine.BackendOutputs(ctx, env.ProjectDir, stack, env.BackendURL)
	if err != nil {
		return stacks.Config{}, err
	}
	live := baseValues(base)
	if raw := outputString(outs, OutputReleaseValues); raw != "" {
		if err := json.Unmarshal([]byte(raw), &live); err != nil {
			return stacks.Config{}, fmt.Errorf("read live release values of %s: %w", stack, err)
		}
	}
	return base.With(live.Config())
}
