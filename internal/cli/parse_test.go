package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests check flag parsing alone: each command gets a run function
// that captures its options instead of touching the engine.

func testFactory() (*factory, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &factory{io: &IO{In: strings.NewReader(""), Out: out, ErrOut: errOut}, globals: &Globals{Cwd: "."}}, out, errOut
}

func TestUpFlags(t *testing.T) {
	f, _, _ := testFactory()
	var got *upOptions
	cmd := newUpCmd(f, func(_ context.Context, o *upOptions) error { got = o; return nil })
	root := NewRootCmd(f.io)
	replace(root, cmd)
	root.SetArgs([]string{"up", "--stack", "staging", "--image", "v2", "--frontend-release", "r9", "--diff", "-m", "hello"})
	require.NoError(t, root.Execute())
	require.NotNil(t, got)
	assert.Equal(t, upOptions{Image: "v2", FrontendRelease: "r9", Diff: true, Message: "hello"}, *got)
}

func TestPreviewFlags(t *testing.T) {
	f, _, _ := testFactory()
	var got *previewOptions
	root := NewRootCmd(f.io)
	replace(root, newPreviewCmd(f, func(_ context.Context, o *previewOptions) error { got = o; return nil }))
	root.SetArgs([]string{"preview", "--markdown", "--expect-no-changes", "--image", "v3"})
	require.NoError(t, root.Execute())
	assert.Equal(t, previewOptions{Image: "v3", Markdown: true, ExpectNoChanges: true}, *got)
}

func TestDestroyFlags(t *testing.T) {
	f, _, _ := testFactory()
	var got *destroyOptions
	root := NewRootCmd(f.io)
	replace(root, newDestroyCmd(f, func(_ context.Context, o *destroyOptions) error { got = o; return nil }))
	root.SetArgs([]string{"destroy", "--confirm", "product"})
	require.NoError(t, root.Execute())
	assert.Equal(t, "product", got.Confirm)
}

func TestEnvironmentFillsFlagsAndFlagsWin(t *testing.T) {
	t.Setenv("KIRIKAE_STACK", "product")
	t.Setenv("KIRIKAE_SANDBOX", "true")
	t.Setenv("KIRIKAE_IMAGE", "v5")
	io := &IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}
	root := NewRootCmd(io)
	var got *upOptions
	var globals Globals
	up := newUpCmd(&factory{io: io, globals: &globals}, func(_ context.Context, o *upOptions) error { got = o; return nil })
	replace(root, up)
	root.SetArgs([]string{"up", "--image", "v6"})
	require.NoError(t, root.Execute())
	assert.Equal(t, "v6", got.Image, "a flag wins over KIRIKAE_IMAGE")

	root = NewRootCmd(io)
	replace(root, newUpCmd(&factory{io: io, globals: &globals}, func(_ context.Context, o *upOptions) error { got = o; return nil }))
	root.SetArgs([]string{"up"})
	require.NoError(t, root.Execute())
	assert.Equal(t, "v5", got.Image, "KIRIKAE_IMAGE fills --image")

	// The globals the real commands read come from the root's flags.
	root = NewRootCmd(io)
	var stack string
	var sandbox bool
	probe := &cobra.Command{Use: "probe", RunE: func(cmd *cobra.Command, _ []string) error {
		stack, _ = cmd.Flags().GetString("stack")
		sandbox, _ = cmd.Flags().GetBool("sandbox")
		return nil
	}}
	root.AddCommand(probe)
	root.SetArgs([]string{"probe"})
	require.NoError(t, root.Execute())
	assert.Equal(t, "product", stack)
	assert.True(t, sandbox)
}

func TestBadUsageExitsTwo(t *testing.T) {
	cases := map[string][]string{
		"unknown flag":    {"up", "--imgae", "v2"},
		"unknown command": {"deploy-everything"},
		"stray argument":  {"up", "staging"},
		"missing stack":   {"up", "--cwd", "../.."},
		"bad bool env":    {"history", "--stack", "staging", "--sandbox=maybe"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			errOut := &bytes.Buffer{}
			code := Main(context.Background(), args, &IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: errOut})
			assert.Equal(t, ExitBadInput, code, errOut.String())
			lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
			assert.Len(t, lines, 1, "one line: %q", errOut.String())
			assert.True(t, strings.HasPrefix(lines[0], "kirikae: "), lines[0])
		})
	}
}

func TestMissingStackNamesTheStacks(t *testing.T) {
	errOut := &bytes.Buffer{}
	code := Main(context.Background(), []string{"preview", "--cwd", "../.."}, &IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: errOut})
	assert.Equal(t, ExitBadInput, code)
	assert.Contains(t, errOut.String(), "--stack is required")
	assert.Contains(t, errOut.String(), "product")
	assert.Contains(t, errOut.String(), "staging")
}

func TestConfirmationRuleOffTerminal(t *testing.T) {
	ctx := context.Background()
	f, _, _ := testFactory()
	f.globals.Stack = "product"
	err := f.confirm(ctx, "deploy to")
	require.Error(t, err)
	assert.Equal(t, ExitBadInput, codeOf(err))
	assert.Contains(t, err.Error(), "nothing was changed")
	assert.Contains(t, hintOf(err, f.invocation()), "--yes")

	f.globals.Yes = true
	assert.NoError(t, f.confirm(ctx, "deploy to"))

	f.globals.Stack, f.globals.Yes = "staging", false
	assert.NoError(t, f.confirm(ctx, "deploy to"), "off a terminal staging proceeds")
}

func TestConfirmationRuleOnTerminal(t *testing.T) {
	ctx := context.Background()
	for _, stack := range []string{"staging", "product"} {
		for answer, ok := range map[string]bool{"y": true, "Y": true, "yes": true, "YES": true, " yes ": true, "": false, "n": false, "no": false, "yess": false} {
			f, _, errOut := testFactory()
			f.globals.Stack = stack
			f.io.TTY = true
			f.io.In = strings.NewReader(answer + "\n")
			err := f.confirm(ctx, "roll back")
			assert.Contains(t, errOut.String(), "roll back "+stack+"? [y/N]")
			if ok {
				assert.NoError(t, err, "%s %q", stack, answer)
				continue
			}
			require.Error(t, err, "%s %q", stack, answer)
			assert.Equal(t, ExitBadInput, codeOf(err))
			assert.Contains(t, err.Error(), "nothing was changed")
		}
	}
	f, _, errOut := testFactory()
	f.globals.Stack, f.globals.Yes, f.io.TTY = "product", true, true
	assert.NoError(t, f.confirm(ctx, "deploy to"))
	assert.Empty(t, errOut.String(), "--yes never asks")
}

func TestCtrlCAtThePromptCancels(t *testing.T) {
	f, _, _ := testFactory()
	f.globals.Stack = "staging"
	f.io.TTY = true
	r, w := io.Pipe() // nobody answers
	defer w.Close()
	f.io.In = r
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := f.confirm(ctx, "deploy to")
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, ExitCancelled, codeOf(err))
}

func TestDestroyGuards(t *testing.T) {
	ctx := context.Background()
	f, _, _ := testFactory()
	f.globals.Stack = "product"
	f.globals.Yes = true
	err := f.checkDangerous("destroy", "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "--confirm product")
	assert.NoError(t, f.checkDangerous("destroy", "product"))

	f.globals.Stack, f.globals.Yes = "staging", false
	err = f.checkDangerous("destroy", "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "without --yes")

	f.io.TTY = true
	assert.NoError(t, f.checkDangerous("destroy", ""), "on a terminal the question comes after the preview")
	f.io.In = strings.NewReader("staging\n")
	assert.NoError(t, f.typeStackName(ctx, "destroy"), "typing the stack name confirms")
	f.io.In = strings.NewReader("y\n")
	assert.Error(t, f.typeStackName(ctx, "destroy"), "destroy wants the stack name, not y")
}

func replace(root, cmd *cobra.Command) {
	for _, c := range root.Commands() {
		if c.Name() == cmd.Name() {
			root.RemoveCommand(c)
		}
	}
	root.AddCommand(cmd)
}
