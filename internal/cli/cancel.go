package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
)

func newCancelCmd(f *factory) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "cancel --stack STACK [--force]",
		Short: "Clear the locks a killed kirikae or pulumi process left behind",
		Long: `When an operation was killed (CI job cancelled, machine lost) the stack stays
locked and every later command says it "is being updated by another process"
or "is locked by a process that is gone", naming who and since when. cancel
clears kirikae's deploy lock (kept in the backend, beside the state) and
Pulumi's update lock, and journals what it cleared.

It refuses while the holder's process still runs on this machine. A holder
on another machine (a CI runner, a colleague's laptop) cannot be checked from
here: unless the journal shows its operation ended, cancel refuses and asks
for --force once you know that process is gone. Run preview or refresh
afterwards: the killed update may have changed some resources. With no lock
to clear it says so and changes nothing; on a terminal it asks [y/N] first.`,
		Example: "  kirikae cancel --stack staging --sandbox\n  kirikae cancel --stack product --force   # the CI job holding it was cancelled",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.runCancel(cmd.Context(), force)
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "clear a lock held from another machine whose process you know is gone")
	return cmd
}

func (f *factory) runCancel(ctx context.Context, force bool) error {
	v := f.view(viewOptions{})
	defer v.Close()
	return f.withStack(ctx, v, nil, func(s *deploy.Session) error {
		st, err := s.LockState(ctx)
		if err != nil {
			return err
		}
		if st.EngineKnown && !st.Locked() {
			v.Notice(f.globals.Stack + " has no update lock; nothing to cancel")
			return nil
		}
		if st.Holder != nil && (st.Alive || !st.Gone && !force) {
			// Refuse before asking: there is nothing to confirm.
			return &deploy.LockHeldError{Stack: f.globals.Stack, Holder: *st.Holder, Alive: st.Alive}
		}
		if err := f.confirm(ctx, "clear the update lock of"); err != nil {
			return err
		}
		if err := s.Cancel(ctx, force); err != nil {
			return err
		}
		v.Notice(fmt.Sprintf("cleared the update lock of %s; next: `%s` to see what the killed update changed", f.globals.Stack, f.invocation().Command("refresh")))
		return nil
	})
}
