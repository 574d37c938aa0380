package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/sandbox"
	"github.com/kirikae/kirikae/stacks"
)

// Suggestions for the mistakes a newcomer makes first: a misspelt flag, a
// stack given as an argument, the sandbox's keys without --sandbox.

var unknownFlagRe = regexp.MustCompile(`unknown (?:shorthand )?flag: '?-{1,2}([^' ]+)`)

// flagError turns pflag's "unknown flag: --sandbx" into a usage error that
// names the closest flag of the command.
func flagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	if m := unknownFlagRe.FindStringSubmatch(msg); m != nil {
		var names []string
		cmd.Flags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
		cmd.InheritedFlags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
		if s := stacks.Closest(m[1], names); s != "" {
			return usageError(fmt.Sprintf("%s; did you mean --%s?", msg, s))
		}
	}
	return usageError(msg + "; see --help")
}

// unknownArgRe matches cobra.NoArgs's error for a command given an argument.
var unknownArgRe = regexp.MustCompile(`^unknown command "([^"]+)" for "kirikae ([^"]+)"`)

// stackAsArgument suggests --stack for `kirikae up staging`, when a stack
// file of that name exists.
func stackAsArgument(err error, inv deploy.Invocation) string {
	m := unknownArgRe.FindStringSubmatch(err.Error())
	if m == nil {
		return ""
	}
	dir := inv.Cwd
	if dir == "" {
		dir = "."
	}
	if _, serr := os.Stat(filepath.Join(dir, "Pulumi."+m[1]+".yaml")); serr != nil {
		return ""
	}
	return inv.For(m[1]).Command(m[2])
}

// SandboxKeysError: the sandbox's static keys are in the environment but
// --sandbox is not given, so kirikae would go to AWS with keys AWS does
// not know (or read the AWS backend and report nothing deployed).
type SandboxKeysError struct{ Command string }

func (e *SandboxKeysError) Error() string {
	return fmt.Sprintf("AWS_ACCESS_KEY_ID is the sandbox's key (%s), but --sandbox is not given", sandbox.AccessKeyID)
}

// Hint: the one flag that is missing.
func (e *SandboxKeysError) Hint() string {
	return fmt.Sprintf("add --sandbox (`%s --sandbox`), or unset the AWS_* variables `sandbox serve` printed to work against AWS", e.Command)
}

// BadInput: nothing ran.
func (e *SandboxKeysError) BadInput() bool { return true }

// checkSandboxKeys refuses a stack command run without --sandbox while the
// sandbox's keys are exported. Commands that never reach AWS or a backend
// (config, version, engine, the sandbox's own) are left alone.
func checkSandboxKeys(cmd *cobra.Command, g *Globals) error {
	if g.Sandbox || os.Getenv("AWS_ACCESS_KEY_ID") != sandbox.AccessKeyID {
		return nil
	}
	for c := cmd; c != nil; c = c.Parent() {
		switch c.Name() {
		case "config", "version", "engine", "sandbox", "help", "completion":
			return nil
		}
	}
	if cmd.Flags().Lookup("stack") == nil {
		return nil
	}
	line := "kirikae " + strings.TrimPrefix(cmd.CommandPath(), "kirikae ")
	if g.Stack != "" {
		line += " --stack " + g.Stack
	}
	return &SandboxKeysError{Command: line}
}
