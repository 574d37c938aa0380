package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/view"
)

type stacksOptions struct{}

func newStacksCmd(f *factory, runF func(context.Context, *stacksOptions) error) *cobra.Command {
	o := &stacksOptions{}
	return &cobra.Command{
		Use:     "stacks",
		Short:   "List the project's stacks with their last update and live image",
		Long:    "List every Pulumi.<stack>.yaml in the project with what the backend knows of it: last update time, result, live image tag and resource count.",
		Example: "  kirikae stacks --sandbox",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return f.runStacks(cmd.Context(), o)
		},
	}
}

func (f *factory) runStacks(ctx context.Context, _ *stacksOptions) error {
	v := f.view(viewOptions{})
	defer v.Close()
	if f.globals.Sandbox {
		v.Notice("sandbox: showing the simulated stacks under .kirikae/sandbox")
	}
	opts := f.deployOptions(v, nil)
	infos, err := deploy.ListStacks(ctx, opts)
	if err != nil {
		return err
	}
	rows := make([]view.StackRow, 0, len(infos))
	for _, i := range infos {
		rows = append(rows, view.StackRow{Name: i.Name, Deployed: i.Deployed, LastUpdate: i.LastUpdate,
			Result: i.Result, ImageTag: i.ImageTag, Resources: i.Resources})
	}
	return v.Stacks(rows)
}
