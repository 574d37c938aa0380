// Package cli is kirikae's command line: cobra commands that turn flags into
// options, call package deploy, and hand results to a view. No engine logic
// lives here.
package cli

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// IO is where a command reads and writes; tests swap it.
type IO struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// TTY reports whether stdin and stdout are terminals: prompts, spinners
	// and colour depend on it.
	TTY bool
}

// SystemIO is the process's real streams.
func SystemIO() *IO {
	tty := isatty.IsTerminal(os.Stdout.Fd()) && isatty.IsTerminal(os.Stdin.Fd())
	return &IO{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, TTY: tty}
}

// Globals are the flags every command shares. Each also reads
// KIRIKAE_<FLAG> from the environment (dashes become underscores).
type Globals struct {
	Stack   string
	Sandbox bool
	JSON    bool
	Yes     bool
	Cwd     string
	Backend string
	// Verbose streams the Pulumi engine's own stderr to ours.
	Verbose bool
}

const rootHelp = `kirikae keeps your AWS infrastructure and its deploys in one Go program.

Deploys switch instead of rebuild (blue/green target groups, Lambda aliases,
CloudFront release prefixes), are verified, and undo in one command.

Try it without an AWS account (simulated AWS, real Pulumi engine):
  go run ./cmd up --stack staging --sandbox

Exit codes:
  0  success
  1  the operation failed (the stack state is saved and consistent)
  2  bad usage or input: unknown stack, invalid config, bad flag value,
     missing confirmation; nothing was changed
  3  preview --expect-no-changes found changes, or drift found drift
  130  cancelled with Ctrl-C (the engine stopped cleanly, the state is saved)

Every flag can also be set as KIRIKAE_<FLAG>, e.g. KIRIKAE_STACK=staging.`

// NewRootCmd builds the kirikae command tree.
func NewRootCmd(io *IO) *cobra.Command {
	root, _ := newRoot(io)
	return root
}

// newRoot builds the command tree and the factory its commands share, so
// Main can build hints from the flags in effect.
func newRoot(io *IO) (*cobra.Command, *factory) {
	g := &Globals{}
	v := viper.New()
	root := &cobra.Command{
		Use:           "kirikae",
		Short:         "Infrastructure and switch-style deploys for an API and a web frontend on AWS",
		Long:          rootHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(v, cmd, g); err != nil {
				return err
			}
			return checkSandboxKeys(cmd, g)
		},
		// kirikae alone is a usage mistake: print the help, exit 2.
		RunE: func(cmd *cobra.Command, args []string) error {
			_ = cmd.Help()
			return &exitError{code: ExitBadInput, silent: true}
		},
	}
	// "kirikae uo" says: did you mean `kirikae up`?
	root.SuggestionsMinimumDistance = 2
	root.SetIn(io.In)
	root.SetOut(io.Out)
	root.SetErr(io.ErrOut)
	root.SetFlagErrorFunc(flagError)
	pf := root.PersistentFlags()
	pf.StringVarP(&g.Stack, "stack", "s", "", "stack to operate on (a Pulumi.<stack>.yaml in the project)")
	pf.BoolVar(&g.Sandbox, "sandbox", false, "run against simulated AWS under .kirikae/sandbox (nothing is created in AWS)")
	pf.BoolVar(&g.JSON, "json", false, "print one JSON object (up: JSON lines of events, then the result)")
	pf.BoolVarP(&g.Yes, "yes", "y", false, "apply without asking (required for product when not on a terminal)")
	pf.StringVar(&g.Cwd, "cwd", ".", "project directory (where Pulumi.yaml is)")
	pf.BoolVarP(&g.Verbose, "verbose", "v", false, "stream the Pulumi engine's own stderr (plugin, language host and passphrase errors)")
	pf.StringVar(&g.Backend, "backend", "", "state backend URL: s3://BUCKET[/PREFIX]?region=R or file://DIR (release records live beside the state); default: .kirikae state")

	f := &factory{io: io, globals: g}
	root.AddCommand(
		newUpCmd(f, nil),
		newPreviewCmd(f, nil),
		newRefreshCmd(f, nil),
		newBootstrapCmd(f, nil),
		newDriftCmd(f),
		newDestroyCmd(f, nil),
		newHistoryCmd(f, nil),
		newOutputsCmd(f, nil),
		newStacksCmd(f, nil),
		newReleasesCmd(f, nil),
		newJournalCmd(f, nil),
		newStatusCmd(f),
		newLogsCmd(f, nil),
		newLockCmd(f, nil),
		newUnlockCmd(f),
		newRollbackCmd(f, nil),
		newPromoteCmd(f, nil),
		newCancelCmd(f),
		newConfigCmd(f),
		newVersionCmd(f),
		newEngineCmd(f),
		newSandboxCmd(f),
		newOpenCmd(f),
		newIAMCmd(f),
		newImageCmd(f),
		newInitCmd(f),
	)
	return root, f
}

// noEnv marks a flag KIRIKAE_<FLAG> does not fill: a command's own flag
// that shadows a global one of another meaning (init's --backend, ecs or
// lambda, is not the state backend URL in KIRIKAE_BACKEND).
const noEnv = "kirikae/no-env"

// bindEnv lets KIRIKAE_<FLAG> fill any flag the user did not pass. Flags win
// over the environment, as users expect.
func bindEnv(v *viper.Viper, cmd *cobra.Command, g *Globals) error {
	v.SetEnvPrefix("KIRIKAE")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	var err error
	cmd.Flags().VisitAll(func(fl *pflag.Flag) {
		if err != nil || fl.Changed || fl.Name == "help" || fl.Annotations[noEnv] != nil {
			return
		}
		if e := v.BindPFlag(fl.Name, fl); e != nil {
			err = e
			return
		}
		if val := v.GetString(fl.Name); val != fl.DefValue {
			if e := fl.Value.Set(val); e != nil {
				err = usageError("KIRIKAE_" + strings.ToUpper(strings.ReplaceAll(fl.Name, "-", "_")) + "=" + val + ": " + e.Error())
				return
			}
			fl.Changed = true
		}
	})
	return err
}

// Main runs kirikae with args and returns the process exit code. When ctx
// is cancelled (Ctrl-C, see NotifyInterrupts) a failed command is reported
// as cancelled by the user, exit 130, whatever the engine said.
func Main(ctx context.Context, args []string, io *IO) int {
	root, f := newRoot(io)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil && ctx.Err() != nil && !errors.Is(err, context.Canceled) {
		err = &cancelledError{err: err}
	}
	return report(io.ErrOut, err, f.invocation(), f.shownErrors()...)
}
