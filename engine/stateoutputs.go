package engine

import (
	"fmt"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// LocalOutputs reads a stack's outputs from the project's own file backend
// (the sandbox's, or .kirikae/aws's) without the engine or a session: what
// `sandbox serve` needs to follow the stack's host names while deploys
// replace them. ok is false when the stack has no state there yet.
func LocalOutputs(projectDir, stack string, sandbox bool) (outs map[string]Output, ok bool, err error) {
	proj, err := workspace.LoadProject(filepath.Join(projectDir, "Pulumi.yaml"))
	if err != nil {
		return nil, false, &ProjectError{Dir: projectDir, Err: err}
	}
	w := &quietWorkspace{stateDir: PathsFor(projectDir, sandbox).Backend, project: string(proj.Name)}
	dep, found := w.readState(stack)
	if !found {
		return nil, false, nil
	}
	raw, err := rootOutputs(dep)
	if err != nil {
		return nil, false, fmt.Errorf("read outputs of %s: %w", stack, err)
	}
	return outputs(raw), true, nil
}

// SandboxEnv is the Pulumi environment kirikae gives the engine in the
// sandbox, less the provider attachment (which belongs to a running
// provider): backend, private PULUMI_HOME, passphrase. `sandbox env`
// prints it so a plain pulumi command opens the same stacks.
func SandboxEnv(projectDir string) (map[string]string, error) {
	p := PathsFor(projectDir, true)
	env, err := passphraseEnv(p)
	if err != nil {
		return nil, err
	}
	env["PULUMI_BACKEND_URL"] = p.BackendURL("")
	env["PULUMI_HOME"] = p.Home
	env["PULUMI_SKIP_UPDATE_CHECK"] = "true"
	env["PULUMI_DIY_BACKEND_NO_LEGACY_WARNING"] = "true"
	return env, nil
}
