package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
)

func newOpenCmd(f *factory) *cobra.Command {
	var api bool
	cmd := &cobra.Command{
		Use:   "open --stack STACK [--sandbox] [--api]",
		Short: "Open the stack's frontend in a browser, or print its URL",
		Long: `open opens the stack's frontend (output frontendUrl; --api: its url) in the
browser (xdg-open, on a display) and prints the URL; without a display it
only prints it. In the sandbox the URL is the local address that
` + "`kirikae sandbox serve --stack STACK`" + ` gives the endpoint, so serve must be
running.`,
		Example: `  kirikae sandbox serve --stack staging &
  kirikae open --stack staging --sandbox`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.runOpen(cmd.Context(), api)
		},
	}
	cmd.Flags().BoolVar(&api, "api", false, "open the API's url instead of the frontend")
	return cmd
}

func (f *factory) runOpen(ctx context.Context, api bool) error {
	if err := f.requireStack(); err != nil {
		return err
	}
	dir, err := filepath.Abs(f.globals.Cwd)
	if err != nil {
		return fmt.Errorf("resolve project dir: %w", err)
	}
	name := infra.OutputFrontendURL
	if api {
		name = infra.OutputURL
	}
	var url string
	if f.globals.Sandbox {
		got, err := readServedURLs(dir)
		serve := f.invocation().For(f.globals.Stack)
		serve.Sandbox = false
		if errors.Is(err, errNotServing) || err == nil && got.Stack != f.globals.Stack {
			return usageError(fmt.Sprintf("open: the sandbox's endpoints of %s have local URLs only while `%s` runs; start it (in another terminal, or with &), then open again",
				f.globals.Stack, serve.Command("sandbox serve")))
		}
		if err != nil {
			return err
		}
		url = map[string]string{infra.OutputURL: got.URLs.URL, infra.OutputFrontendURL: got.URLs.FrontendURL}[name] + "/"
	} else {
		v := f.view(viewOptions{})
		defer v.Close()
		err := f.withStack(ctx, v, nil, func(s *deploy.Session) error {
			outs, err := s.Outputs(ctx)
			if err != nil {
				return err
			}
			url, _ = outs[name].Value.(string)
			return nil
		})
		if err != nil {
			return err
		}
		if url == "" {
			return usageError(fmt.Sprintf("open: stack %s has no %s output (not deployed, or kirikae:frontendEnabled is false)", f.globals.Stack, name))
		}
	}
	if f.globals.JSON {
		return json.NewEncoder(f.io.Out).Encode(map[string]string{"url": url})
	}
	if _, err := fmt.Fprintln(f.io.Out, url); err != nil {
		return err
	}
	if os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != "" {
		if opener, err := exec.LookPath("xdg-open"); err == nil {
			return exec.Command(opener, url).Start()
		}
	}
	return nil
}
