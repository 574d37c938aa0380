package cli_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/cli"
)

var updateRoles = flag.Bool("update-roles", false, "rewrite docs/roles.md's policies from kirikae iam")

// rolesBlock is a command in an sh block, the docs test's note naming this
// test, and the command's output in a json block.
var rolesBlock = regexp.MustCompile("(?s)```sh\n(kirikae iam [^\n]*)\n```\n<!-- tested: TestRolesDocMatchesTheCommands -->\n\n```json\n(.*?)```\n")

// TestRolesDocMatchesTheCommands runs every `kirikae iam` command of
// docs/roles.md and fails when a policy printed there is not what the
// command prints: the page is generated, never hand-edited
// (go test ./internal/cli -run TestRolesDoc -update-roles rewrites it).
func TestRolesDocMatchesTheCommands(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	path := filepath.Join(root, "docs", "roles.md")
	doc, err := os.ReadFile(path)
	require.NoError(t, err)

	blocks := rolesBlock.FindAllSubmatchIndex(doc, -1)
	require.GreaterOrEqual(t, len(blocks), 7, "docs/roles.md lost its generated policies")
	var out bytes.Buffer
	last := 0
	for _, m := range blocks {
		command := string(doc[m[2]:m[3]])
		args := append(strings.Fields(strings.TrimPrefix(command, "kirikae ")), "--cwd", root)
		var stdout, stderr bytes.Buffer
		code := cli.Main(context.Background(), args, &cli.IO{In: strings.NewReader(""), Out: &stdout, ErrOut: &stderr})
		require.Equal(t, 0, code, "%s: %s", command, stderr.String())
		if !*updateRoles {
			assert.Equal(t, stdout.String(), string(doc[m[4]:m[5]]), "docs/roles.md is stale for `%s`; rerun with -update-roles", command)
		}
		out.Write(doc[last:m[4]])
		out.Write(stdout.Bytes())
		last = m[5]
	}
	out.Write(doc[last:])
	if *updateRoles {
		require.NoError(t, os.WriteFile(path, out.Bytes(), 0o644))
	}
}
