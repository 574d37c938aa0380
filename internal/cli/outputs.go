package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
)

type outputsOptions struct{}

func newOutputsCmd(f *factory, runF func(context.Context, *outputsOptions) error) *cobra.Command {
	o := &outputsOptions{}
	return &cobra.Command{
		Use:   "outputs --stack STACK",
		Short: "Print the stack's outputs (URLs, live image tag, colour, …)",
		Long: `Print the stack outputs: url, frontendUrl, imageTag, activeColor,
lambdaVersion, frontendRelease, alarmTopicArn. Secret outputs are masked.`,
		Example: "  kirikae outputs --stack staging --sandbox --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return f.runOutputs(cmd.Context(), o)
		},
	}
}

func (f *factory) runOutputs(ctx context.Context, _ *outputsOptions) error {
	v := f.view(viewOptions{})
	defer v.Close()
	return f.withStack(ctx, v, nil, func(s *deploy.Session) error {
		out, err := s.Outputs(ctx)
		if err != nil {
			return err
		}
		return v.Outputs(f.globals.Stack, out)
	})
}
