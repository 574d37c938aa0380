package cli

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLogsFlags(t *testing.T) {
	f, _, _ := testFactory()
	var got *logsOptions
	root := NewRootCmd(f.io)
	replace(root, newLogsCmd(f, func(_ context.Context, o *logsOptions) error { got = o; return nil }))
	root.SetArgs([]string{"logs", "--stack", "staging", "--since", "1h", "-f", "--color", "green", "--filter", "ERROR"})
	require.NoError(t, root.Execute())
	assert.Equal(t, logsOptions{Since: time.Hour, Follow: true, Color: "green", Filter: "ERROR"}, *got)

	root = NewRootCmd(f.io)
	replace(root, newLogsCmd(f, func(_ context.Context, o *logsOptions) error { got = o; return nil }))
	root.SetArgs([]string{"logs", "--stack", "staging"})
	require.NoError(t, root.Execute())
	assert.Equal(t, logsOptions{Since: 10 * time.Minute}, *got, "the last ten minutes by default")
}

func TestLogsRefusesABadColourOrSince(t *testing.T) {
	for _, args := range [][]string{{"--color", "red"}, {"--since", "-5m"}} {
		f, _, _ := testFactory()
		root := NewRootCmd(f.io)
		replace(root, newLogsCmd(f, func(context.Context, *logsOptions) error { t.Fatal("ran"); return nil }))
		root.SetArgs(append([]string{"logs", "--stack", "staging"}, args...))
		err := root.Execute()
		var ee *exitError
		require.ErrorAs(t, err, &ee, args)
		assert.Equal(t, ExitBadInput, ee.code)
	}
}
