package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/view"
)

type releasesOptions struct{}

func newReleasesCmd(f *factory, runF func(context.Context, *releasesOptions) error) *cobra.Command {
	o := &releasesOptions{}
	return &cobra.Command{
		Use:   "releases --stack STACK",
		Short: "List the stack's releases, newest first, with the command that restores each",
		Long: `List every release (deploy, rollback, promote) of the stack: its id, whether
verification passed, image tag, Lambda version, frontend release, commit, and
the exact rollback command. The live release is marked and has none.

A release id counts up per stack and is never reused, so a rollback command
printed today restores exactly that release after any number of deploys.
Releases are kept beside the stack's state in the backend (under .kirikae/),
so a team sharing an s3:// backend shares them. A failed release has no
rollback command: it was never verified.`,
		Example: "  kirikae releases --stack staging --sandbox\n  kirikae releases --stack product --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return f.runReleases(cmd.Context(), o)
		},
	}
}

func (f *factory) runReleases(ctx context.Context, _ *releasesOptions) error {
	v := f.view(viewOptions{})
	defer v.Close()
	return f.withStack(ctx, v, nil, func(s *deploy.Session) error {
		rs, err := s.Releases(ctx)
		if err != nil {
			return err
		}
		live, _ := deploy.LiveRelease(rs)
		rows := make([]view.ReleaseRow, 0, len(rs))
		for _, r := range rs {
			row := view.ReleaseRow{Release: r, Live: r.ID == live.ID}
			if !row.Live && r.Verified != deploy.VerifyFailed {
				row.RollbackCommand = s.RollbackCommand(r.ID)
			}
			rows = append(rows, row)
		}
		return v.Releases(f.globals.Stack, rows)
	})
}
