package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
)

type destroyOptions struct {
	Confirm string
	// ForceEmpty empties the frontend bucket (every object version) first;
	// without it a bucket holding objects stops destroy before anything
	// is deleted, as S3 would.
	ForceEmpty bool
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
product always needs --confirm product as well.

AWS deletes only an empty bucket: when the frontend bucket still holds
objects, destroy says so (bucket, how many object versions) and deletes
nothing. --force-empty deletes every object version and delete marker of
that bucket first, then destroys. An ECR repository of the stack that still
holds images stops destroy when the engine reaches it
(RepositoryNotEmptyException): destroy names it and how many images; with
--force-empty its images are deleted and the destroy goes on.`,
		Example: `  kirikae destroy --stack staging --sandbox --yes
  kirikae destroy --stack staging --yes --force-empty
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
	cmd.Flags().BoolVar(&o.ForceEmpty, "force-empty", false, "delete every object version in the stack's frontend bucket and every image in its repository first (released frontends and images are lost)")
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
		if !o.ForceEmpty {
			// Refuse before asking: typing the stack name for a destroy
			// that cannot succeed would be wasted.
			blockers, err := s.DestroyBlockers(ctx)
			if err != nil {
				return err
			}
			if len(blockers) > 0 {
				return &deploy.DestroyBlockedError{Stack: s.Stack(), Blockers: blockers}
			}
		}
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
		res, emptied, err := s.DestroyWith(ctx, deploy.DestroyOptions{ForceEmpty: o.ForceEmpty})
		for _, b := range emptied {
			what := "object versions"
			if b.Kind == "repository" {
				what = "images"
			}
			fmt.Fprintf(f.io.ErrOut, "emptied %s %s: %d %s deleted\n", b.Kind, b.Name, b.Count, what)
		}
		if err != nil {
			return err
		}
		return v.Result(res)
	})
}
