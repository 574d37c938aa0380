package deploy

import (
	"context"

	"github.com/kirikae/kirikae/engine"
	"github.com/kirikae/kirikae/sandbox"
	"github.com/kirikae/kirikae/stacks"
)

// This file is the one place that knows the sandbox: it hands the engine
// a provider address and the data plane an endpoint, credentials and an
// HTTP client. Everything else runs the same in sandbox and real mode.

// startSandboxProvider starts the sandbox's resource provider over the
// account kept in accountDir, for the engine to attach to, acting as the
// administrator.
func startSandboxProvider(ctx context.Context, accountDir string) (string, func() error, error) {
	return startSandboxProviderAs(ctx, accountDir, sandboxCreds{})
}

// sandboxProviderFor starts the provider with the credentials of the
// project's sandbox commands (KIRIKAE_SANDBOX_ROLE).
func sandboxProviderFor(projectDir string) func(context.Context, string) (string, func() error, error) {
	return func(ctx context.Context, accountDir string) (string, func() error, error) {
		creds, err := sandboxCredentials(projectDir, accountDir)
		if err != nil {
			return "", nil, err
		}
		return startSandboxProviderAs(ctx, accountDir, creds)
	}
}

func startSandboxProviderAs(ctx context.Context, accountDir string, creds sandboxCreds) (string, func() error, error) {
	srv, err := sandbox.Start(ctx, sandbox.Options{StateDir: accountDir,
		Credentials: sandbox.ProviderCredentials{AccessKeyID: creds.key, SessionToken: creds.token}})
	if err != nil {
		return "", nil, err
	}
	return srv.DebugProviders(), srv.Close, nil
}

// OpenSandboxAccount opens the simulated account the project's stack deploys
// into (its kirikae:sandboxAccount), for tools and tests that look inside it.
func OpenSandboxAccount(projectDir, stack string) (*sandbox.Account, error) {
	cfg, err := stacks.Load(projectDir, stack)
	if err != nil {
		return nil, err
	}
	return sandbox.OpenAccount(PathsFor(projectDir, true).AccountDir(cfg))
}

// StartSandboxProvider starts the sandbox's resource provider over the
// stack's account for tools outside kirikae (`sandbox serve`, for a plain
// pulumi command through `sandbox env`): the PULUMI_DEBUG_PROVIDERS value
// and how to stop it.
func StartSandboxProvider(ctx context.Context, projectDir string, cfg stacks.Config) (string, func() error, error) {
	return startSandboxProvider(ctx, PathsFor(projectDir, true).AccountDir(cfg))
}

// SandboxEnv is the Pulumi environment of the project's sandbox stacks
// (PULUMI_HOME, passphrase), without what a running sandbox serves (the
// provider, the state bucket: SandboxBackendURL).
func SandboxEnv(projectDir string) (map[string]string, error) { return engine.SandboxEnv(projectDir) }
