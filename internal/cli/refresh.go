package cli

import (
	"context"

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
as drift; the next up puts them back as the program declares.`,
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
		if err := f.confirm(ctx, "refresh the state of"); err != nil {
			return err
		}
		res, err := s.Refresh(ctx)
		if err != nil {
			return err
		}
		return v.Result(res)
	})
}
