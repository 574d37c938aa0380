package cli

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/sandbox"
	"github.com/kirikae/kirikae/view"
)

// Version is kirikae's own version; release builds set it with -ldflags.
var Version = "0.1.0-dev"

func newVersionCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print kirikae, pinned Pulumi and AWS provider versions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := f.view(viewOptions{})
			defer v.Close()
			info := view.VersionInfo{Kirikae: kirikaeVersion(), Pulumi: deploy.PulumiVersion,
				AWSSDK: sandbox.ProviderVersion, Go: runtime.Version()}
			// Only look: version must never start a 10-minute build.
			if cli, err := deploy.EnsureCLI(cmd.Context(), deploy.CLIOptions{Explicit: os.Getenv("KIRIKAE_PULUMI")}); err == nil {
				info.PulumiCLI = cli.Path
			}
			return v.Version(info)
		},
	}
}

func kirikaeVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return Version
}

func newEngineCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "engine",
		Short: "Make sure the pinned Pulumi CLI is available (builds it once if needed)",
		Long: `Find the Pulumi CLI kirikae drives, building it from the pinned
tools/pulumi module on first use (~10 min on 2 cores, cached afterwards under
$XDG_CACHE_HOME/kirikae/pulumi). Prints the binary's path. The test command
runs this first so no test ever waits for a build.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.runEngine(cmd.Context())
		},
	}
}

func (f *factory) runEngine(ctx context.Context) error {
	opts := deploy.CLIOptions{
		Explicit: os.Getenv("KIRIKAE_PULUMI"),
		ToolsDir: toolsDir(f.globals.Cwd),
		Progress: func(msg string) { fmt.Fprintln(f.io.ErrOut, msg) },
	}
	cli, err := deploy.EnsureCLI(ctx, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(f.io.Out, "%s (pulumi v%s, %s)\n", cli.Path, cli.Version, cli.Source)
	return nil
}
