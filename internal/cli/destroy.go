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

destroy first lists what it will delete (a destroy preview), then asks you to
type the stack name on a terminal; otherwise it needs --yes. Destroying
product always needs --confirm product as well.`,
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

// checkDangerous decides, before anything opens, whether an action that
// cannot be switched back (destroy, restoring a checkpoint) may go ahead:
// --yes or typing the stack name, and --confirm <stack> on protected stacks.
func (f *factory) checkDangerous(action, confirm string) error {
	stack := f.globals.Stack
	if protected(stack) && confirm != stack {
		return &exitError{code: ExitBadInput,
			msg:  fmt.Sprintf("refusing to %s %s without --confirm %s; nothing was changed", action, stack, stack),
			hint: fmt.Sprintf("re-run with --yes --confirm %s", stack)}
	}
	if f.globals.Yes {
		return nil
	}
	if !f.io.TTY {
		return &exitError{code: ExitBadInput,
			msg:  fmt.Sprintf("refusing to %s %s without --yes when not on a terminal; nothing was changed", action, stack),
			hint: "re-run with --yes"}
	}
	return nil
}

// typeStackName is the terminal half of checkDangerous, asked once the user
// has seen what the action will do.
func (f *factory) typeStackName(ctx context.Context, action string) error {
	stack := f.globals.Stack
	if f.globals.Yes {
		return nil
	}
	answer, err := f.ask(ctx, fmt.Sprintf("%s %s? Type the stack name to continue: ", action, stack))
	if err != nil {
		return err
	}
	if answer != stack {
		return &exitError{code: exitDeclined, msg: fmt.Sprintf("%s %s: answer was not %q, nothing was changed", action, stack, stack)}
	}
	return nil
}

func (f *factory) runDestroy(ctx context.Context, o *destroyOptions) error {
	if err := f.requireStack(); err != nil {
		return err
	}
	if err := f.checkDangerous("destroy", o.Confirm); err != nil {
		return err
	}
	v := f.view(viewOptions{stream: true})
	defer v.Close()
	return f.withStack(ctx, v, nil, func(s *deploy.Session) error {
		if f.io.TTY && !f.globals.Yes {
			// Show what goes before asking: the sandbox banner is out
			// already, the destroy preview lists every resource it deletes.
			previewing(v)
			s.SetEventHandler(nil)
			pre, err := s.PreviewDestroy(ctx)
			if err != nil {
				return err
			}
			if !pre.HasChanges() {
				return v.Result(&deploy.Result{Operation: "destroy", Stack: pre.Stack, Sandbox: pre.Sandbox})
			}
			if err := f.view(viewOptions{diff: true}).Result(pre); err != nil {
				return fmt.Errorf("render destroy preview: %w", err)
			}
			if err := f.typeStackName(ctx, "destroy"); err != nil {
				return err
			}
		}
		s.SetEventHandler(quietAfterCancel(ctx, v.Event))
		res, err := s.Destroy(ctx)
		if err != nil {
			return err
		}
		return v.Result(res)
	})
}
