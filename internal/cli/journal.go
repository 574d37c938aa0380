package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
)

type journalOptions struct {
	Since time.Duration
}

func newJournalCmd(f *factory, runF func(context.Context, *journalOptions) error) *cobra.Command {
	o := &journalOptions{}
	cmd := &cobra.Command{
		Use:   "journal --stack STACK [--since 24h]",
		Short: "What kirikae did to the stack: every operation, who, when, and how it ended",
		Long: `List every operation on the stack (up, rollback, promote, destroy, refresh,
cancel, and previews in CI), newest first: when it started, who ran it and
where (the CI run link in GitHub Actions), the release, how long it took, and
how it ended.

Each operation writes a "start" entry before it changes anything and an "end"
entry after, as separate objects beside the state in the backend, so a CI run
and a laptop never overwrite each other. An operation whose process died
before its end (a killed job, a closed laptop) reads as "interrupted", never
as a success. Secrets are never written to the journal.`,
		Example: "  kirikae journal --stack staging --sandbox\n  kirikae journal --stack product --since 24h --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Since < 0 {
				return usageError(fmt.Sprintf("--since %s: give a positive duration such as 24h or 30m", o.Since))
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return f.runJournal(cmd.Context(), o)
		},
	}
	cmd.Flags().DurationVar(&o.Since, "since", 0, "only operations started within this long ago, e.g. 24h, 30m (0: all)")
	return cmd
}

func (f *factory) runJournal(ctx context.Context, o *journalOptions) error {
	v := f.view(viewOptions{})
	defer v.Close()
	var since time.Time
	if o.Since > 0 {
		since = time.Now().Add(-o.Since)
	}
	return f.withStack(ctx, v, nil, func(s *deploy.Session) error {
		recs, err := s.Journal(ctx, since)
		if err != nil {
			return err
		}
		return v.Journal(f.globals.Stack, recs)
	})
}
