package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"
)

// quietWorkspace is the Automation API's LocalWorkspace with the CLI chatter it
// adds around each operation taken out. Every pulumi process costs
// 0.25–0.6 s (issue 15), and the SDK runs several that kirikae does not
// need:
//
//   - `stack select` when a stack is opened: every command passes --stack,
//     so nothing reads the selection; the stack's existence is checked
//     without a process (see ensureStack).
//   - `stack output` twice (plain, then --show-secrets) for outputs: one
//     `stack export` has the root stack's outputs and which are secret.
//   - after each update, `stack output` twice and `stack history`: the
//     update's own event stream already carries the root stack's outputs,
//     so Session.Up takes them from there (see afterUpdate).
type quietWorkspace struct {
	auto.Workspace
	// afterUpdate is set while Session.Up runs the SDK's Stack.Up: the
	// outputs and summary the SDK reads after the update are answered
	// without a process (nil outputs, an empty history page) and Session.Up
	// fills in the outputs from the events.
	afterUpdate bool
}

var _ auto.Workspace = (*quietWorkspace)(nil)

// SelectStack does nothing: no command reads the selected stack (each
// passes --stack), and existence is checked by ensureStack.
func (w *quietWorkspace) SelectStack(context.Context, string) error { return nil }

// StackOutputs reads the root stack's outputs from one `stack export`.
// Secrets stay encrypted there: a secret output comes back as "[secret]",
// as `pulumi stack output --json` shows it, with Secret set. No view shows
// a secret's value, and kirikae exports none.
func (w *quietWorkspace) StackOutputs(ctx context.Context, stack string) (auto.OutputMap, error) {
	if w.afterUpdate {
		return nil, nil
	}
	dep, err := w.Workspace.ExportStack(ctx, stack)
	if err != nil {
		return nil, err
	}
	return rootOutputs(dep.Deployment)
}

// PulumiCommand answers the SDK's post-update history read (one summary,
// which kirikae never uses: its results come from the event stream) with
// an empty page while an update's bookkeeping runs.
func (w *quietWorkspace) PulumiCommand() auto.PulumiCommand {
	return summarySkipper{PulumiCommand: w.Workspace.PulumiCommand(), w: w}
}

type summarySkipper struct {
	auto.PulumiCommand
	w *quietWorkspace
}

func (c summarySkipper) Run(ctx context.Context, workdir string, stdin io.Reader,
	additionalOutput, additionalErrorOutput []io.Writer, additionalEnv []string, args ...string,
) (string, string, int, error) {
	if c.w.afterUpdate && len(args) >= 2 && args[0] == "stack" && args[1] == "history" {
		return "[]", "", 0, nil
	}
	return c.PulumiCommand.Run(ctx, workdir, stdin, additionalOutput, additionalErrorOutput, additionalEnv, args...)
}

// rootOutputs returns the outputs of the deployment's root stack resource.
func rootOutputs(raw json.RawMessage) (auto.OutputMap, error) {
	var d apitype.DeploymentV3
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("read deployment: %w", err)
	}
	out := auto.OutputMap{}
	for _, r := range d.Resources {
		if string(r.Type) != "pulumi:pulumi:Stack" || r.Delete {
			continue
		}
		for k, v := range r.Outputs {
			out[k] = outputValue(v)
		}
	}
	return out, nil
}

func outputValue(v any) auto.OutputValue {
	if m, ok := v.(map[string]any); ok {
		if kind, _ := m[sig.Key].(string); kind == sig.Secret {
			return auto.OutputValue{Value: secretMask, Secret: true}
		}
	}
	return auto.OutputValue{Value: v}
}

// ensureStack makes sure the stack exists in the backend. A file backend
// is looked at directly (no process); any other backend gets one
// `stack init` per work dir and backend, remembered in a marker file, and
// a stack that exists already is fine.
func (s *Session) ensureStack(ctx context.Context) error {
	backendURL := s.Paths.BackendURL(s.opts.Backend)
	if dir, ok := strings.CutPrefix(backendURL, "file://"); ok {
		if fileStackExists(dir, string(s.project.Name), s.opts.Stack) {
			return nil
		}
		return s.initStack(ctx)
	}
	marker := filepath.Join(s.Paths.Work, s.opts.Stack, ".stack-exists")
	if raw, err := os.ReadFile(marker); err == nil && string(raw) == backendURL {
		return nil
	}
	if err := s.initStack(ctx); err != nil {
		return err
	}
	return os.WriteFile(marker, []byte(backendURL), 0o600)
}

func (s *Session) initStack(ctx context.Context) error {
	err := s.ws.CreateStack(ctx, s.opts.Stack)
	if err == nil || auto.IsCreateStack409Error(err) {
		return nil
	}
	return err
}

// fileStackExists looks for the stack's checkpoint where the DIY backend
// keeps it per project (meta.yaml version 1, what this CLI creates),
// gzipped or not. Not found (another layout) only costs a `stack init`.
func fileStackExists(dir, project, stack string) bool {
	base := filepath.Join(dir, ".pulumi", "stacks")
	for _, p := range []string{
		filepath.Join(base, project, stack+".json"),
		filepath.Join(base, project, stack+".json.gz"),
	} {
		if _, err := os.Stat(p); err == nil {
			return true
		}
	}
	return false
}
