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
		Long: `List every release (deploy, rollback, promote) of the stack: version, whether
verification passed, image tag, Lambda version, frontend release, commit, and
the exact rollback command. Releases are kept as tags beside the stack's state
in the backend; when those are lost they are rebuilt from Pulumi history
(verification then shows "unknown").`,
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
		rows := make([]view.ReleaseRow, 0, len(rs))
		for _, r := range rs {
			rows = append(rows, view.ReleaseRow{Release: r, RollbackCommand: s.RollbackCommand(r.Version)})
		}
		return v.Releases(f.globals.Stack, rows)
	})
}
