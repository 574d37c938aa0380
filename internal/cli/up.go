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
}

func newUpCmd(f *factory, runF func(context.Context, *upOptions) error) *cobra.Command {
	o := &upOptions{}
	cmd := &cobra.Command{
		Use:   "up --stack STACK [--image TAG] [--frontend-release ID]",
		Short: "Preview and apply the stack (deploy)",
		Long: `Apply the infrastructure program to a stack: create, update or replace what
changed, then print a summary with the stack outputs.

--image and --frontend-release set this deploy's release values. They are kept
in the stack's history in the backend, never written to Pulumi.<stack>.yaml, so
CI leaves no diff in the worktree; a later up without them keeps what is live.

On product, up shows the preview and asks first; when not on a terminal it
refuses without --yes.`,
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
	return cmd
}

func (f *factory) runUp(ctx context.Context, o *upOptions) error {
	v := f.view(viewOptions{diff: o.Diff, stream: true})
	defer v.Close()
	s, err := f.open(ctx, v, releaseOverrides(o.Image, o.FrontendRelease))
	if err != nil {
		return err
	}
	defer s.Close()
	if protected(f.globals.Stack) && !f.globals.Yes {
		pre, err := s.Preview(ctx, deploy.PreviewOptions{})
		if err != nil {
			return err
		}
		if err := v.Result(pre); err != nil {
			return err
		}
		if !pre.HasChanges() {
			return nil
		}
		if err := f.confirmApply("up"); err != nil {
			return err
		}
	}
	res, err := s.Up(ctx, deploy.UpOptions{Message: o.Message})
	if err != nil {
		return err
	}
	if err := v.Result(res); err != nil {
		return fmt.Errorf("render result: %w", err)
	}
	return nil
}
