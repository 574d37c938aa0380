package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/scaffold"
)

const initHelp = `init makes a new kirikae project in DIR (default: the current directory),
which must be absent or empty. kirikae is a template repository your team
owns: the new project is a copy of this checkout's source (the files git
tracks, never .kirikae/, .git/ or build output) with

  - the Go module path (--module) in go.mod and every import,
  - the project name (--name) as the Pulumi project name, the resource name
    prefix (kirikae:serviceName) and the image repository (<name>-api),
  - the backend (--backend ecs|lambda) and region (--region) in both stack
    files, Pulumi.staging.yaml and Pulumi.product.yaml,
  - the example Go service (app/: /healthz and /version), or your own Go main
    package (--service-dir) in place of its server, app/cmd/server,
  - the frontend (web/), the workflows (.github/) and infra/yours.go, the
    place for your own resources.

The copy comes from the checkout in --cwd, else the one kirikae was built
from. It is written beside DIR and moved into place at the end: a failed init
leaves nothing behind. Its first command deploys it to the sandbox.

A --service-dir must hold a Go main package: the sandbox runs Go programs.
A service with only a Dockerfile deploys to AWS through it but cannot run in
the sandbox; init refuses it (docs/init.md says how to bring it).`

// initOptions are init's flags.
type initOptions struct {
	module, name, backend, region, serviceDir string
}

func newInitCmd(f *factory) *cobra.Command {
	var o initOptions
	cmd := &cobra.Command{
		Use:   "init [DIR] [--module PATH] [--name NAME] [--backend ecs|lambda] [--region R] [--service-dir PATH]",
		Short: "Make a new kirikae project (a copy of this one with your module, name, backend and service)",
		Long:  initHelp,
		Example: `  kirikae init ../shop
  kirikae init ../shop --module github.com/acme/shop --region eu-west-1
  kirikae init ../orders --backend lambda
  kirikae init ../api --service-dir ~/src/api/cmd/server
  cd ../shop && go run ./cmd up --stack staging --sandbox`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return f.runInit(dir, o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.module, "module", "", "Go module path of the new project (default: DIR's name)")
	fl.StringVar(&o.name, "name", "", "project name: Pulumi project, resource name prefix (default: DIR's name, lowercased)")
	// This local --backend shadows the global one (the state backend URL),
	// which init does not use: it deploys nothing. KIRIKAE_BACKEND, the
	// state URL a team exports, does not fill it.
	fl.StringVar(&o.backend, "backend", "", "API backend of both stacks: ecs or lambda (default: this project's)")
	_ = fl.SetAnnotation("backend", noEnv, []string{"true"})
	fl.StringVar(&o.region, "region", "", "AWS region of both stacks (default: this project's)")
	fl.StringVar(&o.serviceDir, "service-dir", "", "your own Go main package, copied in place of the example server (app/cmd/server)")
	return cmd
}

// initResult is init's --json object.
type initResult struct {
	Dir     string   `json:"dir"`
	Module  string   `json:"module"`
	Name    string   `json:"name"`
	Backend string   `json:"backend"`
	Region  string   `json:"region"`
	Files   int      `json:"files"`
	Notes   []string `json:"notes"`
	Next    []string `json:"next"`
}

func (f *factory) runInit(dir string, o initOptions) error {
	template := f.globals.Cwd
	if !scaffold.IsTemplate(template) {
		template = scaffold.BuiltFrom()
	}
	if template == "" {
		return usageError(fmt.Sprintf("init: %s is not a kirikae checkout (no go.mod, Pulumi.yaml, Pulumi.staging.yaml) and this kirikae was built without its source paths; run kirikae init from a kirikae checkout, or pass --cwd CHECKOUT", f.globals.Cwd))
	}
	res, err := scaffold.New(scaffold.Options{Template: template, Dir: dir, Module: o.module, Name: o.name,
		Backend: o.backend, Region: o.region, ServiceDir: o.serviceDir})
	var input *scaffold.InputError
	var notEmpty *scaffold.NotEmptyError
	var noTemplate *scaffold.NoTemplateError
	var service *scaffold.ServiceDirError
	switch {
	case errors.As(err, &input), errors.As(err, &notEmpty), errors.As(err, &noTemplate), errors.As(err, &service):
		return usageError("init: " + err.Error())
	case err != nil:
		return fmt.Errorf("init %s: %w", dir, err)
	}
	next := []string{"cd " + shellWord(dir) + " && go run ./cmd up --stack staging --sandbox", "./scripts/test"}
	if f.globals.JSON {
		return json.NewEncoder(f.io.Out).Encode(initResult{Dir: res.Dir, Module: res.Module, Name: res.Name,
			Backend: res.Backend, Region: res.Region, Files: res.Files, Notes: append([]string{}, res.Notes...), Next: next})
	}
	out := f.io.Out
	fmt.Fprintf(out, "Created %s in %s (%d files)\n", res.Name, res.Dir, res.Files)
	fmt.Fprintf(out, "  module   %s\n  backend  %s\n  region   %s\n", res.Module, res.Backend, res.Region)
	fmt.Fprintf(out, "  service  %s (%s)\n", filepath.Join(res.Dir, filepath.FromSlash(scaffold.ServicePath)), serviceWord(o.serviceDir))
	fmt.Fprintln(out, "  yours    infra/yours.go (your own AWS resources; docs/your-resources.md)")
	for _, n := range res.Notes {
		fmt.Fprintf(out, "note: %s\n", n)
	}
	fmt.Fprintln(out, "Next: deploy it to the sandbox, then run its tests:")
	for _, n := range next {
		fmt.Fprintf(out, "  %s\n", n)
	}
	return nil
}

func serviceWord(serviceDir string) string {
	if serviceDir == "" {
		return "the example: /healthz, /version"
	}
	return "from " + serviceDir
}

// shellWord quotes a directory for the printed command when the shell
// would split or expand it.
func shellWord(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`*?[]{}()<>|&;#~!") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
