package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
)

type logsOptions struct {
	Since  time.Duration
	Follow bool
	Color  string
	Filter string
}

func newLogsCmd(f *factory, runF func(context.Context, *logsOptions) error) *cobra.Command {
	o := &logsOptions{}
	cmd := &cobra.Command{
		Use:   "logs --stack STACK [--since 10m] [--follow] [--color blue|green]",
		Short: "The workload's CloudWatch Logs: the colour serving now, or the Lambda function",
		Long: `Print the workload's log events from CloudWatch Logs, oldest first: for ECS
the streams of the colour serving now (--color picks the other one, e.g. the
idle colour a failed deploy left behind), for Lambda the function's log group
/aws/lambda/<function>. --follow keeps printing new events until Ctrl-C;
without --color it follows the live colour across a deploy's or a
rollback's flip, saying when it changes.

Events are read through CloudWatch Logs' FilterLogEvents, the same call in
the sandbox, where the workload processes' output is captured as log events.
--filter takes a CloudWatch Logs filter pattern (ERROR, "exact phrase",
-excluded). --json prints one JSON line per event.`,
		Example: "  kirikae logs --stack staging --sandbox\n  kirikae logs --stack product --since 1h --filter ERROR\n  kirikae logs --stack product --follow --color green",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Since < 0 {
				return usageError(fmt.Sprintf("--since %s: give a positive duration such as 10m or 2h (0: from the start)", o.Since))
			}
			if o.Color != "" && o.Color != "blue" && o.Color != "green" {
				return usageError(fmt.Sprintf("--color %q: give blue or green", o.Color))
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return f.runLogs(cmd.Context(), o)
		},
	}
	cmd.Flags().DurationVar(&o.Since, "since", 10*time.Minute, "start this long ago, e.g. 10m, 2h (0: from the start)")
	cmd.Flags().BoolVarP(&o.Follow, "follow", "f", false, "keep printing new events until Ctrl-C")
	cmd.Flags().StringVar(&o.Color, "color", "", "ECS: the colour's tasks to read, blue or green (default: the active colour)")
	cmd.Flags().StringVar(&o.Filter, "filter", "", "CloudWatch Logs filter pattern, e.g. ERROR")
	return cmd
}

func (f *factory) runLogs(ctx context.Context, o *logsOptions) error {
	v := f.view(viewOptions{})
	defer v.Close()
	return f.withStack(ctx, v, nil, func(s *deploy.Session) error {
		src, err := s.LogSource(ctx, o.Color)
		if err != nil {
			return err
		}
		where := src.Group
		if src.StreamPrefix != "" {
			where += fmt.Sprintf(" (%s colour, streams %s*)", src.Color, src.StreamPrefix)
		}
		v.Notice("logs of " + f.globals.Stack + ": " + where)
		n := 0
		// Without --color, --follow stays on whichever colour is live.
		lo := deploy.LogsOptions{Since: o.Since, Follow: o.Follow, Pattern: o.Filter, FollowLive: o.Color == "",
			OnColorChange: func(from, to deploy.LogSource) {
				v.Notice(fmt.Sprintf("the live colour changed: %s → %s; following %s (streams %s*)", from.Color, to.Color, to.Color, to.StreamPrefix))
			}}
		err = s.Logs(ctx, src, lo, func(e deploy.LogEvent) error {
			n++
			return v.LogEvent(e)
		})
		if err == nil && n == 0 && !o.Follow {
			v.Notice(fmt.Sprintf("no log events in the last %s; try --since 1h or --follow", o.Since))
		}
		return err
	})
}
