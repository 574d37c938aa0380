package engine

import (
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
)

// program is the inline Pulumi program: the same infra.Program for every
// stack, fed the config resolved for this run.
func (s *Session) program(ctx *pulumi.Context) error {
	if s.programOverride != nil {
		return s.programOverride(ctx)
	}
	yours := s.yours
	if yours == nil {
		yours = infra.Yours
	}
	return Program(s.opts.ProjectDir, s.Config, yours, s.opts.Exports)(ctx)
}

// Program is the infrastructure program for a stack's resolved config:
// infra's resources (paths in the config taken relative to projectDir) and
// the outputs exports computes from the config (exports may be nil). The
// engine runs it inline; the program Pulumi.yaml names runs it under a
// plain `pulumi preview` (cmd/pulumi-program), so both register the same
// resources for the same config.
func Program(projectDir string, cfg stacks.Config, yours infra.YoursFunc, exports func(stacks.Config) (map[string]string, error)) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		applied := cfg
		if applied.LambdaArtifact != "" && !strings.HasPrefix(applied.LambdaArtifact, "s3://") && !filepath.IsAbs(applied.LambdaArtifact) {
			applied.LambdaArtifact = filepath.Join(projectDir, applied.LambdaArtifact)
		}
		if applied.FrontendDir != "" && !filepath.IsAbs(applied.FrontendDir) {
			applied.FrontendDir = filepath.Join(projectDir, applied.FrontendDir)
		}
		if err := infra.ProgramWith(applied, yours)(ctx); err != nil {
			return err
		}
		if exports == nil {
			return nil
		}
		out, err := exports(cfg)
		if err != nil {
			return err
		}
		for k, v := range out {
			ctx.Export(k, pulumi.String(v))
		}
		return nil
	}
}
