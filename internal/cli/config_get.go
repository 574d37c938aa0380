package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/stacks"
)

func newConfigGetCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "get KEY --stack STACK",
		Short: "Print one key's value as kirikae reads it (default applied)",
		Long: `get prints the value kirikae uses for KEY in the stack (the stack file's value,
or the key's default), so a pipeline builds what the stack deploys from the
stack file alone: the zip at kirikae:lambdaArtifact, for kirikae:cpuArchitecture.
Lists print one item a line. Secrets are refused: their plaintext never
leaves the engine.`,
		Example: "  kirikae config get kirikae:lambdaArtifact --stack staging",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.runConfigGet(args[0])
		},
	}
}

func (f *factory) runConfigGet(key string) error {
	if err := f.requireStack(); err != nil {
		return err
	}
	k, ok := stacks.Lookup(key)
	if !ok {
		return usageError(fmt.Sprintf("config get: unknown key %q; `kirikae config keys` lists them", key))
	}
	if k.Type == stacks.TypeSecret {
		return usageError(fmt.Sprintf("config get: %s is a secret; kirikae never prints it", key))
	}
	cfg, err := stacks.Load(f.globals.Cwd, f.globals.Stack)
	if err != nil {
		return err
	}
	text, ok := cfg.Text(key)
	if !ok {
		return usageError(fmt.Sprintf("config get: %s is read by the Pulumi AWS provider only, not by kirikae", key))
	}
	if f.globals.JSON {
		return json.NewEncoder(f.io.Out).Encode(map[string]string{"key": key, "value": text})
	}
	if k.Type == stacks.TypeStringList {
		text = strings.ReplaceAll(text, ",", "\n")
	}
	_, err = fmt.Fprintln(f.io.Out, text)
	return err
}

func newConfigPlatformCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "platform --stack STACK [--json]",
		Short: "Print the stack's CPU platform as docker buildx --platform takes it",
		Long: `platform prints the OCI platform of kirikae:cpuArchitecture (linux/arm64 or
linux/amd64), what the pipeline passes to docker buildx --platform; with
--json every name of it: lambda (the function's architectures), ecs (the
task definitions' runtimePlatform.cpuArchitecture), goarch and oci.`,
		Example: "  docker buildx build --platform \"$(kirikae config platform --stack staging)\" -f app/Dockerfile .",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.requireStack(); err != nil {
				return err
			}
			cfg, err := stacks.Load(f.globals.Cwd, f.globals.Stack)
			if err != nil {
				return err
			}
			p := cfg.Platform()
			if f.globals.JSON {
				return json.NewEncoder(f.io.Out).Encode(map[string]string{
					"lambda": p.Lambda, "ecs": p.ECS, "goarch": p.GOARCH, "oci": p.OCI})
			}
			_, err = fmt.Fprintln(f.io.Out, p.OCI)
			return err
		},
	}
}
