package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
)

type historyOptions struct{}

func newHistoryCmd(f *factory, runF func(context.Context, *historyOptions) error) *cobra.Command {
	o := &historyOptions{}
	return &cobra.Command{
		Use:     "history --stack STACK",
		Short:   "List the stack's updates, newest first",
		Long:    "List every update, refresh and destroy of the stack with its result and change counts, newest first.",
		Example: "  kirikae history --stack staging --sandbox --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return f.runHistory(cmd.Context(), o)
		},
	}
}

func (f *factory) runHistory(ctx context.Context, _ *historyOptions) error {
	v := f.view(viewOptions{})
	defer v.Close()
	return f.withStack(ctx, v, nil, func(s *deploy.Session) error {
		h, err := s.History(ctx)
		if err != nil {
			return err
		}
		return v.History(f.globals.Stack, h)
	})
}
