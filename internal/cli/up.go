package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
)

type upOptions struct {
	Image           string
	FrontendRelease string
	Diff            bool
	Message         string
	SkipVerify      bool
	Plan            string
	AllowDowntime   bool
}

func newUpCmd(f *factory, runF func(context.Context, *upOptions) error) *cobra.Command {
	o := &upOptions{}
	cmd := &cobra.Command{
		Use:   "up --stack STACK [--image TAG] [--frontend-release ID]",
		Short: "Preview and apply the stack (deploy)",
		Long: `Deploy: apply the infrastructure program to a stack, switch-style.

A new image goes to the idle colour first, then the ALB listener flips to it
(the previous colour stays warm); a Lambda version is published, then alias
"live" moves; a frontend release is uploaded under releases/<id>/, then the
CloudFront KeyValueStore key naming the live release flips. After the switch kirikae checks the stack's URLs
(health path, status, served version). When a check fails it switches back to
the previous release by itself, records the failed release and exits 1.
Before applying it prints the release plan: what switches, what is replaced,
the expected downtime and the command that would roll it back.

--image and --frontend-release set this deploy's release values. They are kept
in the stack's history in the backend, never written to Pulumi.<stack>.yaml, so
CI leaves no diff in the worktree; a later up without them keeps what is live.

On a terminal up shows the plan and asks [y/N] (--yes skips it); when not on a
terminal it proceeds, except on product, which needs --yes.`,
		Example: `  go run ./cmd up --stack staging --sandbox
  kirikae up --stack staging --image v1.4.2
  kirikae up --stack product --image v1.4.2 --yes --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return f.runUp(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Image, "image", "", "container image tag to deploy (kirikae:imageTag)")
	fl.StringVar(&o.FrontendRelease, "frontend-release", "", "frontend release id to serve (kirikae:frontendRelease)")
	fl.BoolVar(&o.Diff, "diff", false, "show a property-level diff in the summary")
	fl.StringVarP(&o.Message, "message", "m", "", "message recorded with the update")
	fl.BoolVar(&o.SkipVerify, "skip-verify", false, "do not run the health/version checks after the switch (the release is recorded as unverified)")
	fl.BoolVar(&o.AllowDowntime, "allow-downtime", false, "apply a plan that replaces a target group, listener or load balancer (no colour stays warm: requests fail until the new targets are healthy)")
	fl.StringVar(&o.Plan, "plan", "", "apply exactly the plan `FILE` saved by preview --save-plan; refused (exit 2, nothing changed) when the stack, its file or kirikae changed since")
	return cmd
}

func (f *factory) runUp(ctx context.Context, o *upOptions) error {
	v := f.view(viewOptions{diff: o.Diff, stream: true})
	defer v.Close()
	overrides := releaseOverrides(o.Image, o.FrontendRelease)
	var reviewed *deploy.PlanFile
	if o.Plan != "" {
		pf, err := deploy.LoadPlan(o.Plan)
		if err != nil {
			return err
		}
		if err := samePlanValues(pf.Overrides, overrides); err != nil {
			return err
		}
		overrides, reviewed = pf.Overrides, &pf
	}
	return f.withStack(ctx, v, overrides, func(s *deploy.Session) error {
		if err := s.CheckFreeze(ctx, "up"); err != nil {
			return err
		}
		if reviewed != nil {
			// Nothing the reviewer saw may have moved: refuse before
			// anything is planned or changed.
			if err := s.CheckPlan(ctx, *reviewed); err != nil {
				return err
			}
		}
		// Planning runs a preview; its steps are shown once, in the plan.
		previewing(v)
		s.SetEventHandler(phasesOnly(v.Event)) // the plan shows its preview once; a recovery first shows its phases
		plan, err := s.PlanDeploy(ctx, deploy.DeployRequest{Overrides: overrides})
		if err != nil {
			return err
		}
		if !plan.Preview.HasChanges() && plan.Reverify == nil {
			return v.Result(plan.Preview)
		}
		if err := v.Plan(plan); err != nil {
			return fmt.Errorf("render plan: %w", err)
		}
		if err := f.confirm(ctx, "deploy to"); err != nil {
			return err
		}
		s.SetEventHandler(quietAfterCancel(ctx, v.Event))
		res, err := s.Deploy(ctx, plan, deploy.DeployOptions{SkipVerify: o.SkipVerify, Message: o.Message, AllowDowntime: o.AllowDowntime})
		if err != nil {
			return err
		}
		return v.Deployed(res)
	})
}

// samePlanValues refuses release flags that contradict a reviewed plan:
// --plan applies exactly what was reviewed.
func samePlanValues(reviewed, flags map[string]string) error {
	for k, v := range flags {
		if reviewed[k] != v {
			return usageError(fmt.Sprintf("%s=%s differs from the reviewed plan (%q); drop the flag, or preview again with --save-plan", k, v, reviewed[k]))
		}
	}
	return nil
}
