package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/kirikae/kirikae/backend"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

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
	files, err := backend.OpenFiles(context.Background(), "file://"+PathsFor(projectDir, sandbox).Backend)
	if err != nil {
		return nil, false, err
	}
	w := &quietWorkspace{files: files, project: string(proj.Name)}
	dep, found := w.readState(context.Background(), stack)
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
// sandbox, less what belongs to a running sandbox (the provider
// attachment, the state bucket's endpoint): private PULUMI_HOME,
// passphrase. `sandbox env`
// prints it so a plain pulumi command opens the same stacks.
func SandboxEnv(projectDir string) (map[string]string, error) {
	p := PathsFor(projectDir, true)
	env, err := passphraseEnv(p)
	if err != nil {
		return nil, err
	}
	env["PULUMI_HOME"] = p.Home
	env["PULUMI_SKIP_UPDATE_CHECK"] = "true"
	env["PULUMI_DIY_BACKEND_NO_LEGACY_WARNING"] = "true"
	// The repo's stack file carries no encryptionsalt (kirikae keeps the
	// state's in its work dir): without this a plain `pulumi preview`
	// would make up a new salt and write it into the repo's file; with it
	// the CLI uses the secrets manager the state was written with.
	// PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER is the CLI's own switch
	// (sdk/go/common/env/env.go; https://github.com/pulumi/pulumi/issues/16412).
	env["PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER"] = "true"
	return env, nil
}

// BackendOutputs reads a stack's current outputs from the backend at
// backendURL, as a Pulumi program running under the CLI sees it (the
// program Pulumi.yaml names reads the live release values this way). A
// DIY backend's state file (file:// or s3://) is read directly; any other
// backend (Pulumi Cloud, "" for the one `pulumi login` chose), or an s3
// file that cannot be read, through `pulumi stack export` run by the
// `pulumi` on PATH, the CLI that runs the program. ok is
// false when the stack has no state yet.
func BackendOutputs(ctx context.Context, projectDir, stack, backendURL string) (outs map[string]Output, ok bool, err error) {
	proj, err := workspace.LoadProject(filepath.Join(projectDir, "Pulumi.yaml"))
	if err != nil {
		return nil, false, &ProjectError{Dir: projectDir, Err: err}
	}
	var dep json.RawMessage
	isFile := strings.HasPrefix(backendURL, "file://")
	if isFile || strings.HasPrefix(backendURL, "s3://") {
		// A DIY backend's state file, read as kirikae's sessions read it
		// (one file, or one S3 GET with the CLI's credentials); an s3
		// read that fails is left to the CLI, which reports it.
		files, err := backend.OpenFiles(ctx, backendURL)
		if err != nil {
			return nil, false, err
		}
		w := &quietWorkspace{files: files, project: string(proj.Name)}
		dep, ok = w.readState(ctx, stack)
		if !ok && isFile {
			return nil, false, nil
		}
	}
	if dep == nil {
		cmd := exec.CommandContext(ctx, "pulumi", "stack", "export", "--stack", stack)
		cmd.Dir = projectDir
		out, err := cmd.Output()
		if err != nil {
			return nil, false, fmt.Errorf("export stack %s: %w: %s", stack, err, strings.TrimSpace(stderrOf(err)))
		}
		var u apitype.UntypedDeployment
		if err := json.Unmarshal(out, &u); err != nil {
			return nil, false, fmt.Errorf("export stack %s: %w", stack, err)
		}
		dep = u.Deployment
	}
	if len(dep) == 0 {
		return nil, false, nil
	}
	raw, err := rootOutputs(dep)
	if err != nil {
		return nil, false, fmt.Errorf("read outputs of %s: %w", stack, err)
	}
	return outputs(raw), len(raw) > 0, nil
}
