package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
)

func newDriftCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "drift --stack STACK",
		Short: "Check whether live resources differ from the stack's state (changes nothing)",
		Long: `Read every live resource and compare it with the stack's state, in preview
mode: nothing is written, so it is safe on product and on a schedule.

Exit 0 when nothing drifted; exit 3 when something did, listing each drifted
resource and property. Put it back with "kirikae up" (the program wins), or
accept it into state with "kirikae refresh".`,
		Example: "  kirikae drift --stack product\n  kirikae drift --stack staging --sandbox --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.runDrift(cmd.Context())
		},
	}
}

func (f *factory) runDrift(ctx context.Context) error {
	v := f.view(viewOptions{diff: true})
	defer v.Close()
	return f.withReadOnlyStack(ctx, v, nil, func(s *deploy.Session) error {
		res, err := s.Drift(ctx)
		if err != nil {
			return err
		}
		if err := v.Result(res); err != nil {
			return err
		}
		if res.HasChanges() {
			return &exitError{code: ExitChanges, msg: "drift found on " + s.Stack(),
				hint: "put it back with `" + s.Command("up") + "`, or accept it into state with `" + s.Command("refresh") + "`"}
		}
		return nil
	})
}
