package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kirikae/kirikae/backend"
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
//   - `stack output` twice (plain, then --show-secrets) for outputs: a file
//     backend's state file, or one `stack export`, has the root stack's
//     outputs and which are secret.
//   - after each update, `stack output` twice and `stack history`, and
//     `stack history` after a refresh or destroy: kirikae reads results
//     from the event stream, which carries the root stack's outputs too,
//     so Session.Up takes them from there (see skippingSummary).
type quietWorkspace struct {
	auto.Workspace
	// afterUpdate is set while an operation whose SDK call reads outputs
	// or a summary afterwards runs: those reads are answered without a
	// process (nil outputs, an empty history page); Session.Up fills in
	// the outputs from the events.
	afterUpdate bool
	// files is the backend's key space (nil for backends kirikae cannot
	// read, e.g. Pulumi Cloud) and project the Pulumi project: where
	// readState finds a stack's state.
	files   backend.Store
	project string
}

// skippingSummary answers the SDK's post-operation reads without a
// process until the returned func is called.
func (w *quietWorkspace) skippingSummary() func() {
	w.afterUpdate = true
	return func() { w.afterUpdate = false }
}

var _ auto.Workspace = (*quietWorkspace)(nil)

// SelectStack does nothing: no command reads the selected stack (each
// passes --stack), and existence is checked by ensureStack.
func (w *quietWorkspace) SelectStack(context.Context, string) error { return nil }

// StackOutputs reads the root stack's outputs. A file backend's state file
// is read directly (no process; see readState); otherwise one
// `stack export` without --show-secrets has them: the SDK's ExportStack
// decrypts every secret first, which doubles its time. Secrets stay
// encrypted either way: a secret output comes back as "[secret]", as
// `pulumi stack output --json` shows it, with Secret set. No view shows a
// secret's value, and kirikae exports none.
func (w *quietWorkspace) StackOutputs(ctx context.Context, stack string) (auto.OutputMap, error) {
	if w.afterUpdate {
		return nil, nil
	}
	if dep, ok := w.readState(ctx, stack); ok {
		return rootOutputs(dep)
	}
	dep, err := w.export(ctx, stack)
	if err != nil {
		return nil, err
	}
	return rootOutputs(dep)
}

// export runs `pulumi stack export` as the workspace runs its commands,
// without decrypting secrets.
func (w *quietWorkspace) export(ctx context.Context, stack string) (json.RawMessage, error) {
	var env []string
	if home := w.PulumiHome(); home != "" {
		env = append(env, "PULUMI_HOME="+home)
	}
	for k, v := range w.GetEnvVars() {
		env = append(env, k+"="+v)
	}
	stdout, stderr, _, err := w.Workspace.PulumiCommand().Run(ctx, w.WorkDir(), nil, nil, nil, env,
		"stack", "export", "--stack", stack)
	if err != nil {
		return nil, fmt.Errorf("export stack %s: %w: %s", stack, err, strings.TrimSpace(stderr))
	}
	var dep apitype.UntypedDeployment
	if err := json.Unmarshal([]byte(stdout), &dep); err != nil {
		return nil, fmt.Errorf("export stack %s: %w", stack, err)
	}
	return dep.Deployment, nil
}

// readState reads the stack's current deployment from the backend's state
// file, the one `stack export` prints, with one read (a file, or one S3
// GET). It is safe without Pulumi's lock: the DIY backend replaces the file
// whole (a rename, or one PUT), so a reader sees one checkpoint or the
// next, as an export would. Anything unexpected (a backend kirikae cannot
// read, no file, another schema version, a file that does not parse)
// returns false and the caller asks the CLI, which also reports damaged
// state properly.
func (w *quietWorkspace) readState(ctx context.Context, stack string) (json.RawMessage, bool) {
	for _, key := range []string{stateKey("stacks", w.project, stack, ".json"), stateKey("stacks", w.project, stack, ".json.gz")} {
		raw, ok := readFile(ctx, w.files, key)
		if !ok {
			continue
		}
		dep, _, err := parseCheckpoint(raw, key)
		if err != nil || dep.Version != apitype.DeploymentSchemaVersionCurrent {
			return nil, false
		}
		return dep.Deployment, true
	}
	return nil, false
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

// ensureStack makes sure the stack exists in the backend. Where the
// backend's files told (stackExists: known), exists says whether it does
// and no process runs for a stack that does; any other backend gets one
// `stack init` per work dir and backend, remembered in a marker file, and
// a stack that exists already is fine.
func (s *Session) ensureStack(ctx context.Context, exists, known bool) error {
	if known {
		if exists {
			return nil
		}
		return s.initStack(ctx)
	}
	marker := filepath.Join(s.Paths.Work, s.opts.Stack, ".stack-exists")
	if raw, err := os.ReadFile(marker); err == nil && string(raw) == s.backendURL {
		return nil
	}
	if err := s.initStack(ctx); err != nil {
		return err
	}
	return os.WriteFile(marker, []byte(s.backendURL), 0o600)
}

// stackExists looks for the stack's checkpoint, gzipped or not, where the
// DIY backend keeps it (stateKey). known is false when the backend's
// files cannot be listed.
func stackExists(ctx context.Context, files backend.Store, project, stack string) (exists, known bool) {
	plain := stateKey("stacks", project, stack, ".json")
	keys, err := listFiles(ctx, files, plain)
	if err != nil {
		return false, false
	}
	return slices.Contains(keys, plain) || slices.Contains(keys, plain+".gz"), true
}

func (s *Session) initStack(ctx context.Context) error {
	err := s.ws.CreateStack(ctx, s.opts.Stack)
	if err == nil || auto.IsCreateStack409Error(err) {
		return nil
	}
	return err
}

// lastResult reads the result of the stack's newest update from the
// backend's history (the file `stack history --page-size 1` reads): the
// newest <stack>-<nanos>.history.json. false: a backend kirikae cannot
// read, or nothing readable there, so the caller asks the CLI.
func (w *quietWorkspace) lastResult(ctx context.Context, stack string) (string, bool) {
	if w.files == nil {
		return "", false
	}
	keys, err := checkpointKeys(ctx, w.files, w.project, stack)
	if err != nil || len(keys) == 0 {
		return "", false
	}
	newest := strings.Replace(keys[len(keys)-1], ".checkpoint.json", ".history.json", 1)
	raw, ok := readFile(ctx, w.files, newest)
	if !ok {
		return "", false
	}
	var u struct {
		Result string `json:"result"`
	}
	if json.Unmarshal(raw, &u) != nil || u.Result == "" {
		return "", false
	}
	return u.Result, true
}
