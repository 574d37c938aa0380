package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
)

func newCancelCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "cancel --stack STACK",
		Short: "Clear the update lock a killed kirikae or pulumi process left behind",
		Long: `When an update was killed (CI job cancelled, machine lost) the stack stays
locked and every later command says it "is being updated by another process".
cancel clears that lock. It refuses while a kirikae process on this machine
still holds the stack. Run preview or refresh afterwards: the killed update may
have changed some resources. With no lock to clear it says so and changes
nothing; on a terminal it asks [y/N] first.`,
		Example: "  kirikae cancel --stack staging --sandbox",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.runCancel(cmd.Context())
		},
	}
}

func (f *factory) runCancel(ctx context.Context) error {
	v := f.view(viewOptions{})
	defer v.Close()
	return f.withStack(ctx, v, nil, func(s *deploy.Session) error {
		locked, known, err := s.Locked()
		if err != nil {
			return err
		}
		if known && !locked {
			v.Notice(f.globals.Stack + " has no update lock; nothing to cancel")
			return nil
		}
		if err := f.confirm(ctx, "clear the update lock of"); err != nil {
			return err
		}
		if err := s.Cancel(ctx); err != nil {
			return err
		}
		v.Notice(fmt.Sprintf("cleared the update lock of %s; next: `%s` to see what the killed update changed", f.globals.Stack, f.invocation().Command("refresh")))
		return nil
	})
}
