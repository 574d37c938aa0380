package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
)

type destroyOptions struct {
	Confirm string
}

func newDestroyCmd(f *factory, runF func(context.Context, *destroyOptions) error) *cobra.Command {
	o := &destroyOptions{}
	cmd := &cobra.Command{
		Use:   "destroy --stack STACK --yes [--confirm STACK]",
		Short: "Delete every resource of the stack",
		Long: `Delete every resource the stack manages. The stack's history and releases stay
in the backend.

On a terminal destroy asks you to type the stack name; otherwise it needs
--yes. Destroying product always needs --confirm product as well.`,
		Example: `  kirikae destroy --stack staging --sandbox --yes
  kirikae destroy --stack product --yes --confirm product`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return f.runDestroy(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.Confirm, "confirm", "", "type the stack name to confirm destroying a protected stack")
	return cmd
}

// checkDestroy decides before anything opens whether destroy may go ahead.
func (f *factory) checkDestroy(o *destroyOptions) error {
	stack := f.globals.Stack
	if protected(stack) && o.Confirm != stack {
		return &exitError{code: ExitBadInput,
			msg:  fmt.Sprintf("refusing to destroy %s without --confirm %s; nothing was changed", stack, stack),
			hint: fmt.Sprintf("kirikae destroy --stack %s --yes --confirm %s", stack, stack)}
	}
	if f.globals.Yes {
		return nil
	}
	if !f.io.TTY {
		return &exitError{code: ExitBadInput,
			msg:  fmt.Sprintf("refusing to destroy %s without --yes when not on a terminal; nothing was changed", stack),
			hint: fmt.Sprintf("kirikae destroy --stack %s --yes", stack)}
	}
	return f.ask(fmt.Sprintf("Destroy every resource of %s? Type the stack name to continue: ", stack), stack, "destroy")
}

func (f *factory) runDestroy(ctx context.Context, o *destroyOptions) error {
	if err := f.requireStack(); err != nil {
		return err
	}
	if err := f.checkDestroy(o); err != nil {
		return err
	}
	v := f.view(viewOptions{stream: true})
	defer v.Close()
	return f.withStack(ctx, v, nil, func(s *deploy.Session) error {
		res, err := s.Destroy(ctx)
		if err != nil {
			return err
		}
		return v.Result(res)
	})
}
