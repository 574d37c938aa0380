package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
)

func newBootstrapCmd(f *factory, runF func(context.Context) error) *cobra.Command {
	return &cobra.Command{
		Use:   "bootstrap --stack STACK [--yes]",
		Short: "Create what the stack's first pipeline run needs: its image repository",
		Long: `bootstrap creates, before the stack's first deploy, what a first build → push →
up needs: the ECR repository the stack owns (kirikae:imageRepository), with
its pull policy for kirikae:imagePullAccounts and its lifecycle policy, and
nothing else (an update targeted at those resources). Run it once on a new
account, then push the image and run up; the pipeline runs it on every build
(it changes nothing when they exist). The same command works on AWS and,
with --sandbox, in the simulated account.

A stack that pulls from another stack's repository (imageRepositoryOwner:
false) or runs on Lambda has nothing to bootstrap. On a terminal it shows
what it will create and asks [y/N]; --yes skips that.`,
		Example: `  kirikae bootstrap --stack staging --yes
  kirikae sandbox push-image v1 --stack staging
  kirikae up --stack staging --image v1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context())
			}
			return f.runBootstrap(cmd.Context())
		},
	}
}

func (f *factory) runBootstrap(ctx context.Context) error {
	v := f.view(viewOptions{stream: true})
	defer v.Close()
	return f.withStack(ctx, v, nil, func(s *deploy.Session) error {
		res, err := s.Bootstrap(ctx, func(pre *deploy.Result) error {
			if f.io.TTY && !f.globals.Yes {
				if err := v.Result(pre); err != nil {
					return fmt.Errorf("render bootstrap preview: %w", err)
				}
			}
			return f.confirm(ctx, "bootstrap")
		})
		var nothing *deploy.BootstrapNothingError
		if errors.As(err, &nothing) {
			v.Notice(nothing.Error())
			return nil
		}
		if err != nil {
			return err
		}
		return v.Result(res)
	})
}
