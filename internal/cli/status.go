package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
)

func newStatusCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "status --stack STACK",
		Short: "What the stack runs now, as AWS reports it: release, tasks, alias, alarms, freeze",
		Long: `Show the stack's live state, read through the AWS APIs rather than from
state alone: the live release; each colour's running/desired tasks and the
task definition ECS runs (ECS); the version alias "live" points at and any
canary share (Lambda); the frontend release; the CloudWatch alarms and which
are firing; a deploy freeze; and the last journaled operation.

What AWS cannot answer is listed as "could not read" and the rest is still
shown: status is what you run when something is already wrong.`,
		Example: "  kirikae status --stack product\n  kirikae status --stack staging --sandbox --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.runStatus(cmd.Context())
		},
	}
}

func (f *factory) runStatus(ctx context.Context) error {
	v := f.view(viewOptions{})
	defer v.Close()
	return f.withStack(ctx, v, nil, func(s *deploy.Session) error {
		st, err := s.Status(ctx)
		if err != nil {
			return err
		}
		return v.Status(st)
	})
}
