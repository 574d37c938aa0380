package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
)

type refreshOptions struct{}

func newRefreshCmd(f *factory, runF func(context.Context, *refreshOptions) error) *cobra.Command {
	o := &refreshOptions{}
	return &cobra.Command{
		Use:   "refresh --stack STACK",
		Short: "Read the live resources back into state and report drift",
		Long: `Compare the stack's state with what exists in AWS (or the sandbox) and update
the state to match. Resources changed or deleted outside kirikae are reported
as drift; the next up puts them back as the program declares.

On a terminal refresh first shows the drift and asks [y/N] before writing it
into the state (nothing to ask when there is none); --yes skips that.`,
		Example: `  kirikae refresh --stack staging --sandbox`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return f.runRefresh(cmd.Context(), o)
		},
	}
}

func (f *factory) runRefresh(ctx context.Context, _ *refreshOptions) error {
	v := f.view(viewOptions{stream: true})
	defer v.Close()
	return f.withStack(ctx, v, nil, func(s *deploy.Session) error {
		if f.io.TTY && !f.globals.Yes {
			// Someone will be asked: show them the drift first. With no
			// drift there is nothing to write and nothing to ask.
			previewing(v)
			pre, err := s.PreviewRefresh(ctx)
			if err != nil {
				return err
			}
			if !pre.HasChanges() {
				return v.Result(&deploy.Result{Operation: "refresh", Stack: pre.Stack, Sandbox: pre.Sandbox, Changes: pre.Changes})
			}
			if err := v.Result(pre); err != nil {
				return fmt.Errorf("render refresh preview: %w", err)
			}
		}
		if err := f.confirm(ctx, "write the drift into the state of"); err != nil {
			return err
		}
		res, err := s.Refresh(ctx)
		if err != nil {
			return err
		}
		return v.Result(res)
	})
}
