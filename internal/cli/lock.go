package cli

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
)

type lockOptions struct {
	Message string
}

func newLockCmd(f *factory, runF func(context.Context, *lockOptions) error) *cobra.Command {
	o := &lockOptions{}
	cmd := &cobra.Command{
		Use:   "lock --stack STACK -m REASON",
		Short: "Freeze deploys to the stack (up, promote and rollback refuse until unlock)",
		Long: `Freeze the stack: until "kirikae unlock", up, promote and a plain rollback
refuse (exit 1) and say who froze it, when and why. "rollback --force" still
works, for incidents, and the journal records that it was forced.

The freeze is stored beside the state in the backend, so it holds for CI and
every laptop sharing the backend; lock and unlock are journaled.`,
		Example: `  kirikae lock --stack product -m "release freeze until Monday"
  kirikae unlock --stack product`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.TrimSpace(o.Message) == "" {
				return usageError("lock needs a reason: -m \"why deploys are frozen\" (it is shown to whoever is refused)")
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return f.runFreeze(cmd.Context(), true, o.Message)
		},
	}
	cmd.Flags().StringVarP(&o.Message, "message", "m", "", "why deploys are frozen (required)")
	return cmd
}

func newUnlockCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:     "unlock --stack STACK",
		Short:   "Lift a deploy freeze set by kirikae lock",
		Example: "  kirikae unlock --stack product",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.runFreeze(cmd.Context(), false, "")
		},
	}
}

func (f *factory) runFreeze(ctx context.Context, frozen bool, reason string) error {
	v := f.view(viewOptions{})
	defer v.Close()
	return f.withStack(ctx, v, nil, func(s *deploy.Session) error {
		cur, err := s.CurrentFreeze(ctx)
		if err != nil {
			return err
		}
		if !frozen && !cur.Frozen {
			v.Notice("stack " + s.Stack() + " is not frozen; nothing to unlock")
			return nil
		}
		fr, err := s.SetFreeze(ctx, frozen, reason)
		if err != nil {
			return err
		}
		if frozen {
			v.Notice("froze " + s.Stack() + " (" + fr.Reason + "): up, promote and rollback refuse until `" + s.Command("unlock") + "`")
		} else {
			v.Notice("unfroze " + s.Stack() + " (frozen by " + cur.Who + ": " + cur.Reason + ")")
		}
		return nil
	})
}
