package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
)

type historyOptions struct {
	Limit int
}

func newHistoryCmd(f *factory, runF func(context.Context, *historyOptions) error) *cobra.Command {
	o := &historyOptions{}
	cmd := &cobra.Command{
		Use:   "history --stack STACK [--limit N]",
		Short: "List the stack's updates, newest first",
		Long: `List every update, refresh and destroy of the stack with its result and change
counts, newest first. Updates are numbered 1..N by age.

On a terminal the list goes through your pager ($PAGER, default "less -FRX");
--limit N shows only the newest N. Releases, the unit a rollback restores, are
listed by "kirikae releases".`,
		Example: "  kirikae history --stack staging --sandbox --limit 20\n  kirikae history --stack product --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Limit < 0 {
				return usageError(fmt.Sprintf("--limit %d: give a positive number of updates, or 0 for all", o.Limit))
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return f.runHistory(cmd.Context(), o)
		},
	}
	cmd.Flags().IntVar(&o.Limit, "limit", 0, "show only the newest N updates (0: all)")
	return cmd
}

func (f *factory) runHistory(ctx context.Context, o *historyOptions) error {
	paged := f.io.TTY && !f.globals.JSON
	var buf bytes.Buffer
	out := f
	if paged {
		// Render into a buffer and hand it to the pager once the view is
		// done: a long history stays readable and the summary line is kept.
		io := *f.io
		io.Out = &buf
		out = &factory{io: &io, globals: f.globals}
	}
	v := out.view(viewOptions{})
	err := out.withStack(ctx, v, nil, func(s *deploy.Session) error {
		h, err := s.History(ctx, o.Limit)
		if err != nil {
			return err
		}
		return v.History(f.globals.Stack, h)
	})
	v.Close()
	if paged && buf.Len() > 0 {
		page(f.io, buf.Bytes())
	}
	return err
}

// page shows text through $PAGER (default "less -FRX", which exits at
// once when the text fits the screen); without a pager it prints as is.
func page(io *IO, text []byte) {
	pager := strings.Fields(os.Getenv("PAGER"))
	if len(pager) == 0 {
		pager = []string{"less", "-FRX"}
	}
	if _, err := exec.LookPath(pager[0]); err != nil || pager[0] == "cat" {
		_, _ = io.Out.Write(text)
		return
	}
	cmd := exec.Command(pager[0], pager[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(text), io.Out, io.ErrOut
	if cmd.Run() != nil {
		_, _ = io.Out.Write(text)
	}
}
