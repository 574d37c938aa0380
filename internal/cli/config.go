package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/stacks"
	"github.com/kirikae/kirikae/view"
)

func newConfigCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check stack config and list the keys kirikae reads",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newConfigCheckCmd(f, nil), newConfigKeysCmd(f), newConfigGetCmd(f), newConfigPlatformCmd(f))
	return cmd
}

func newConfigCheckCmd(f *factory, runF func() error) *cobra.Command {
	return &cobra.Command{
		Use:   "check [--stack STACK]",
		Short: "Validate stack files and check staging/product parity (no engine, no AWS)",
		Long: `Validate every Pulumi.<stack>.yaml (or only --stack): unknown or missing keys,
wrong types, bad image tags, invalid Fargate cpu/memory pairs, regions, …, all
problems at once. Then check parity: every stack file must carry the same keys,
so staging and product differ only in values. Exits 2 on any problem.`,
		Example: "  kirikae config check\n  kirikae config check --stack product --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF()
			}
			return f.runConfigCheck()
		},
	}
}

func (f *factory) runConfigCheck() error {
	v := f.view(viewOptions{})
	defer v.Close()
	names, err := stacks.Stacks(f.globals.Cwd)
	if err != nil {
		return fmt.Errorf("list stacks: %w", err)
	}
	if f.globals.Stack != "" {
		names = []string{f.globals.Stack}
	}
	report := view.ConfigReport{Parity: []string{}}
	for _, name := range names {
		sp := view.StackProblems{Stack: name, File: stacks.FileName(name), Problems: []string{}}
		cfg, err := stacks.Load(f.globals.Cwd, name)
		if err == nil {
			sp.Problems = append(sp.Problems, emptyPassphraseProblems(cfg)...)
		}
		var invalid *stacks.ValidationError
		var unknown *stacks.ErrUnknownStack
		switch {
		case errors.As(err, &unknown):
			return err
		case errors.As(err, &invalid):
			for _, p := range invalid.Problems {
				sp.Problems = append(sp.Problems, p.String())
			}
		case err != nil:
			sp.Problems = append(sp.Problems, err.Error())
		}
		report.Stacks = append(report.Stacks, sp)
	}
	all, _ := stacks.Stacks(f.globals.Cwd)
	if err := stacks.CheckParity(f.globals.Cwd, all...); err != nil {
		var pe *stacks.ParityError
		if errors.As(err, &pe) {
			for _, d := range pe.Differences {
				report.Parity = append(report.Parity, d.String())
			}
		} else {
			report.Parity = append(report.Parity, err.Error())
		}
	}
	if err := v.ConfigCheck(report); err != nil {
		return err
	}
	if !report.OK() {
		return &exitError{code: ExitBadInput, silent: true, msg: "config check failed"}
	}
	return nil
}

// emptyPassphraseProblems refuses `secure:` values under an empty
// passphrase (PULUMI_CONFIG_PASSPHRASE set to ""): that encryption protects
// nothing, so such a stack must keep its secrets as SSM references.
func emptyPassphraseProblems(cfg stacks.Config) []string {
	if v, set := os.LookupEnv("PULUMI_CONFIG_PASSPHRASE"); !set || v != "" {
		return nil
	}
	var out []string
	for _, key := range stacks.SecretKeys() {
		if cfg.SecretOf(key).Ciphertext != "" {
			out = append(out, fmt.Sprintf("%s: is encrypted with the empty passphrase, which protects nothing; store it with `aws ssm put-parameter --type SecureString --name NAME --value …` and set %s to %sNAME", key, key, stacks.SSMRefPrefix))
		}
	}
	return out
}

func newConfigKeysCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "keys",
		Short: "Print the config reference table (key, type, default, meaning)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(f.io.Out, stacks.MarkdownTable())
			return err
		},
	}
}
