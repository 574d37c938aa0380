package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
)

type rollbackOptions struct {
	To                  string
	Image               string
	AllowSchemaRollback bool
	Checkpoint          int
	Confirm             string
	SkipVerify          bool
	Force               bool
}

func newRollbackCmd(f *factory, runF func(context.Context, *rollbackOptions) error) *cobra.Command {
	o := &rollbackOptions{}
	cmd := &cobra.Command{
		Use:   "rollback --stack STACK [--to ID | --image TAG]",
		Short: "Put a previous release back live, in one command",
		Long: `Re-apply a previous release's values (image tag, colour, Lambda version,
frontend release) through the normal program, so state stays consistent; then
verify and record a release.

--to takes a release id as "kirikae releases" lists it (ids count up per stack
and are never reused, so a command printed by any earlier deploy still
restores that exact release), or an image tag or frontend release id.
Without --to it goes back to the newest earlier verified release. When only
release values differ the update is limited to the switch resources (listener,
alias, frontend key, …) and the summary says how many it touched: an ECS
rollback to the warm idle colour is a weight flip. Such a plan is computed
from the release record and the live release values, without an engine
preview (it says so), and runs as one engine update; on a terminal it still
asks before applying.

During a deploy freeze (kirikae lock) rollback refuses unless --force: an
incident does not wait for the freeze to end, and the journal says it was
forced.

If kirikae:dbSchemaVersion differs between the live and the target release,
rollback refuses unless --allow-schema-rollback: see "Databases" in docs/deploys.md.

--checkpoint UPDATE is for damaged state, not releases: it restores the state
checkpoint kept after update UPDATE as "kirikae history" numbers it (file
backends), after confirmation.`,
		Example: `  kirikae rollback --stack staging --sandbox
  kirikae rollback --stack product --to 12 --yes
  kirikae rollback --stack staging --image v1.4.1
  kirikae rollback --stack staging --checkpoint 7 --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.To != "" && o.Image != "" {
				return usageError("--to and --image are exclusive; pick the release one way")
			}
			if o.Checkpoint != 0 && (o.To != "" || o.Image != "") {
				return usageError("--checkpoint restores state and cannot be combined with --to or --image")
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return f.runRollback(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	// pflag takes a `quoted` word in a usage string as the flag's
	// placeholder, so the usage names RELEASE that way and quotes nothing else.
	fl.StringVar(&o.To, "to", "", "`RELEASE` to go back to: a release id as listed by the releases command, or an image tag or frontend release id")
	fl.StringVar(&o.Image, "image", "", "go back to the newest release that ran this image tag")
	fl.BoolVar(&o.AllowSchemaRollback, "allow-schema-rollback", false, "roll back across a kirikae:dbSchemaVersion change")
	fl.IntVar(&o.Checkpoint, "checkpoint", 0, "restore the state checkpoint of this update (kirikae history numbers them; damaged state only)")
	fl.StringVar(&o.Confirm, "confirm", "", "type the stack name to confirm --checkpoint on a protected stack")
	fl.BoolVar(&o.SkipVerify, "skip-verify", false, "do not verify after switching back")
	fl.BoolVar(&o.Force, "force", false, "roll back even during a deploy freeze (kirikae lock); journaled as forced")
	return cmd
}

func (f *factory) runRollback(ctx context.Context, o *rollbackOptions) error {
	if err := f.requireStack(); err != nil {
		return err
	}
	if o.Checkpoint != 0 {
		return f.runRestore(ctx, o)
	}
	v := f.view(viewOptions{stream: true})
	defer v.Close()
	return f.withStack(ctx, v, nil, func(s *deploy.Session) error {
		previewing(v)
		s.SetEventHandler(phasesOnly(v.Event)) // the plan shows its preview once; a recovery first shows its phases
		plan, err := s.PlanRollback(ctx, deploy.RollbackRequest{To: o.To, Image: o.Image, AllowSchemaRollback: o.AllowSchemaRollback, Force: o.Force})
		if err != nil {
			return err
		}
		if err := v.Plan(plan); err != nil {
			return fmt.Errorf("render plan: %w", err)
		}
		if plan.Basis != "" {
			// Said before the question: what is confirmed is kirikae's
			// plan; the engine's own steps appear as the update runs.
			v.Notice("plan computed from " + plan.Basis + "; the engine reports each step as it applies it")
		}
		if err := f.confirm(ctx, "roll back"); err != nil {
			return err
		}
		s.SetEventHandler(quietAfterCancel(ctx, v.Event))
		res, err := s.Deploy(ctx, plan, deploy.DeployOptions{SkipVerify: o.SkipVerify, Kind: deploy.KindRollback})
		if err != nil {
			return err
		}
		return v.Deployed(res)
	})
}

// runRestore puts a state checkpoint back, guarded like destroy: the state
// it replaces is backed up, but AWS is not touched and the next up acts on it.
func (f *factory) runRestore(ctx context.Context, o *rollbackOptions) error {
	if err := f.checkDangerous("restore a state checkpoint of", o.Confirm); err != nil {
		return err
	}
	v := f.view(viewOptions{})
	defer v.Close()
	return f.withStack(ctx, v, nil, func(s *deploy.Session) error {
		if err := f.typeStackName(ctx, "restore a state checkpoint of"); err != nil {
			return err
		}
		res, err := s.RestoreCheckpoint(ctx, o.Checkpoint)
		if err != nil {
			return err
		}
		v.Notice(fmt.Sprintf("restored the state checkpoint of update %d (%d resources) from %s; previous state saved to %s",
			res.Version, res.Resources, res.Checkpoint, res.Backup))
		v.Notice(fmt.Sprintf("next: `%s` to see how the live resources differ", f.invocation().Command("preview")))
		return nil
	})
}
