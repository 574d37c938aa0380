package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
)

type promoteOptions struct {
	From       string
	To         string
	SkipVerify bool
	Release    int
}

func newPromoteCmd(f *factory, runF func(context.Context, *promoteOptions) error) *cobra.Command {
	o := &promoteOptions{}
	cmd := &cobra.Command{
		Use:   "promote --from staging --to product",
		Short: "Apply to product exactly the release staging verified",
		Long: `Apply to the target stack exactly the release values (image tag, frontend
release, Lambda artifact) that the source stack last deployed AND verified.
Refuses (exit 2, nothing changed) when the source's latest release failed or
was never verified, or (with --release ID) when the source's latest release is
not ID: a pipeline passes the release it verified, so a late approval never
promotes something else. Shows the target's plan and diff before applying,
then asks on a terminal; when not on a terminal product needs --yes.`,
		Example: "  kirikae promote --from staging --to product\n  kirikae promote --from staging --to product --yes --sandbox",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.From == "" || o.To == "" {
				return usageError("promote needs --from and --to, e.g. --from staging --to product")
			}
			if o.From == o.To {
				return usageError("--from and --to name the same stack; promote goes from one stack to another")
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return f.runPromote(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.From, "from", "staging", "stack whose verified release is promoted")
	cmd.Flags().StringVar(&o.To, "to", "product", "stack that receives it")
	cmd.Flags().BoolVar(&o.SkipVerify, "skip-verify", false, "do not verify the target after the switch")
	cmd.Flags().IntVar(&o.Release, "release", 0, "promote only if the source's latest release is this id (what the pipeline verified); refuse otherwise")
	return cmd
}

func (f *factory) runPromote(ctx context.Context, o *promoteOptions) error {
	v := f.view(viewOptions{stream: true})
	defer v.Close()
	fromOpts := f.deployOptions(v, nil)
	fromOpts.Stack = o.From
	fromOpts.OnEvent = nil // the source is only read
	from, err := deploy.Open(ctx, fromOpts)
	if err != nil {
		return err
	}
	defer from.Close()
	f.globals.Stack = o.To
	return f.withStack(ctx, v, nil, func(to *deploy.Session) error {
		previewing(v)
		to.SetEventHandler(phasesOnly(v.Event)) // the plan shows its preview once; a recovery first shows its phases
		plan, err := to.PlanPromote(ctx, from, o.Release)
		if err != nil {
			return err
		}
		if err := v.Plan(plan); err != nil {
			return fmt.Errorf("render plan: %w", err)
		}
		if err := f.confirm(ctx, "promote to"); err != nil {
			return err
		}
		to.SetEventHandler(quietAfterCancel(ctx, v.Event))
		res, err := to.Deploy(ctx, plan, deploy.DeployOptions{SkipVerify: o.SkipVerify, Kind: deploy.KindPromote})
		if err != nil {
			return err
		}
		return v.Deployed(res)
	})
}
