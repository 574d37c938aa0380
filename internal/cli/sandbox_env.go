package cli

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/sandbox"
)

func newSandboxEnvCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "env --stack STACK",
		Short: "Print export lines that point pulumi and the AWS CLI at the running sandbox",
		Long: `env prints POSIX export lines for the sandbox that ` + "`kirikae sandbox serve`" + ` runs:
PATH with the pinned pulumi (and its Go language host) first,
PULUMI_BACKEND_URL, PULUMI_HOME, the passphrase kirikae uses, PULUMI_DEBUG_PROVIDERS (the resource provider serve
runs), AWS_ENDPOINT_URL, the region and the sandbox's keys. They hold while
that serve runs; without one it exits 2 naming how to start it.`,
		Example: `  kirikae sandbox serve --stack staging &
  eval "$(kirikae sandbox env --stack staging)"
  aws s3 ls
  pulumi preview --stack staging`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.runSandboxEnv(cmd.Context())
		},
	}
}

func (f *factory) runSandboxEnv(ctx context.Context) error {
	if err := f.requireStack(); err != nil {
		return err
	}
	dir, err := filepath.Abs(f.globals.Cwd)
	if err != nil {
		return fmt.Errorf("resolve project dir: %w", err)
	}
	served, err := readServedURLs(dir)
	serve := f.invocation().For(f.globals.Stack)
	serve.Sandbox = false
	if errors.Is(err, errNotServing) || err == nil && (served.Stack != f.globals.Stack || served.Provider == "") {
		return usageError(fmt.Sprintf("sandbox env: its exports hold only while `%s` runs; start it (in another terminal, or with &), then run env again",
			serve.Command("sandbox serve")))
	}
	if err != nil {
		return err
	}
	env, err := deploy.SandboxEnv(dir)
	if err != nil {
		return err
	}
	// With the tools module, the cached CLI gets its Go language host
	// (pulumi-language-go) beside it, on the PATH exported below, so a
	// plain `pulumi preview` runs the program Pulumi.yaml names.
	cli, err := deploy.EnsureCLI(ctx, deploy.CLIOptions{Explicit: os.Getenv("KIRIKAE_PULUMI"), ToolsDir: toolsDir(f.globals.Cwd),
		Progress: func(msg string) { fmt.Fprintln(f.io.ErrOut, msg) }})
	if err != nil {
		return err
	}
	env["PULUMI_DEBUG_PROVIDERS"] = served.Provider
	// The state bucket serve serves, as kirikae's own commands reach it.
	env["PULUMI_BACKEND_URL"] = deploy.SandboxBackendURL(served.AWSEndpoint, served.Region)
	env["AWS_ENDPOINT_URL"] = served.AWSEndpoint
	env["AWS_REGION"], env["AWS_DEFAULT_REGION"] = served.Region, served.Region
	env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = sandbox.AccessKeyID, sandbox.SecretAccessKey
	var b strings.Builder
	fmt.Fprintf(&b, "export PATH=%s:\"$PATH\"\n", shellQuote(filepath.Dir(cli.Path)))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		fmt.Fprintf(&b, "export %s=%s\n", k, shellQuote(env[k]))
	}
	_, err = fmt.Fprint(f.io.Out, b.String())
	return err
}

// shellQuote single-quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
