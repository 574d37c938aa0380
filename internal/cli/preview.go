package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
)

type previewOptions struct {
	Image           string
	FrontendRelease string
	Diff            bool
	Markdown        bool
	ExpectNoChanges bool
	SavePlan        string
}

func newPreviewCmd(f *factory, runF func(context.Context, *previewOptions) error) *cobra.Command {
	o := &previewOptions{}
	cmd := &cobra.Command{
		Use:   "preview --stack STACK",
		Short: "Show what up would change, without changing anything",
		Long: `Run the program against the stack's state and report every resource that up
would create, update, replace or delete. Nothing is applied.

--markdown renders the preview for a pull-request comment or a GitHub step
summary. --expect-no-changes exits 3 when anything would change (drift checks).
--save-plan FILE records what was reviewed (the stack's newest release, hashes
of its stack file and of the kirikae program, the release values); a later
"up --plan FILE" applies exactly that, or refuses (exit 2, nothing changed)
when any of them moved.`,
		Example: `  kirikae preview --stack staging --sandbox --diff
  kirikae preview --stack product --image v1.4.2 --markdown > preview.md
  kirikae preview --stack product --expect-no-changes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return f.runPreview(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Image, "image", "", "preview deploying this image tag")
	fl.StringVar(&o.FrontendRelease, "frontend-release", "", "preview serving this frontend release")
	fl.BoolVar(&o.Diff, "diff", false, "show a property-level diff")
	fl.BoolVar(&o.Markdown, "markdown", false, "render as markdown (pull-request comment)")
	fl.BoolVar(&o.ExpectNoChanges, "expect-no-changes", false, "exit 3 if the preview shows changes")
	fl.StringVar(&o.SavePlan, "save-plan", "", "record what was previewed in `FILE` (stack, newest release, config and program hashes, release values) for up --plan")
	return cmd
}

func (f *factory) runPreview(ctx context.Context, o *previewOptions) error {
	if o.Markdown && f.globals.JSON {
		return usageError("--markdown and --json are exclusive; pick one output format")
	}
	// The apply hint repeats every option in effect, --image included.
	var applyArgs []string
	if o.Image != "" {
		applyArgs = append(applyArgs, "--image", o.Image)
	}
	if o.FrontendRelease != "" {
		applyArgs = append(applyArgs, "--frontend-release", o.FrontendRelease)
	}
	cmdLine := f.invocation().Command("up", applyArgs...)
	v := f.view(viewOptions{diff: o.Diff, markdown: o.Markdown, command: cmdLine})
	defer v.Close()
	overrides := releaseOverrides(o.Image, o.FrontendRelease)
	return f.withReadOnlyStack(ctx, v, overrides, func(s *deploy.Session) error {
		// The preview shows where the deploy ends up (after the switch), the
		// same plan `up` would carry out.
		previewing(v)
		plan, err := s.PlanDeploy(ctx, deploy.DeployRequest{Overrides: overrides, Preview: true})
		if err != nil {
			return err
		}
		// A pull-request comment leads with the release plan (what
		// switches, downtime, the rollback command), then the changes.
		if o.Markdown {
			if err := v.Plan(plan); err != nil {
				return fmt.Errorf("render plan: %w", err)
			}
		}
		if err := v.Result(plan.Preview); err != nil {
			return fmt.Errorf("render preview: %w", err)
		}
		if o.SavePlan != "" {
			pf, err := s.PlanFileFor(ctx, overrides, plan.Preview.Changes)
			if err != nil {
				return err
			}
			if err := deploy.SavePlan(o.SavePlan, pf); err != nil {
				return err
			}
		}
		if o.ExpectNoChanges && plan.Preview.HasChanges() {
			return changesFound(f.invocation())
		}
		return nil
	})
}
