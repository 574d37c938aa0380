package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

func TestInitJSONSaysWhatItMadeAndWhatToRunNext(t *testing.T) {
	// The team's state URL in the environment is not init's --backend.
	t.Setenv("KIRIKAE_BACKEND", "s3://team-state")
	dir := filepath.Join(t.TempDir(), "shop")
	code, out, errOut := runMain("init", dir, "--cwd", testproject.Root(t), "--json")
	require.Equal(t, ExitOK, code, errOut)
	var res initResult
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	// Backend and region are this checkout's (a project init made has its own).
	staging, err := stacks.Load(testproject.Root(t), "staging")
	require.NoError(t, err)
	assert.Equal(t, initResult{Dir: dir, Module: "shop", Name: "shop", Backend: staging.Backend, Region: staging.Region, Files: res.Files, Notes: []string{},
		Next: []string{"cd " + dir + " && go run ./cmd up --stack staging --sandbox", "./scripts/test"}}, res)
	assert.Greater(t, res.Files, 100)
}

func TestInitRefusesBadInputInOneLineAndWritesNothing(t *testing.T) {
	root := testproject.Root(t)
	used := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(used, "main.go"), []byte("package main\n"), 0o644))
	dockerOnly := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dockerOnly, "Dockerfile"), []byte("FROM node:22\n"), 0o644))
	parent := t.TempDir()
	fresh := filepath.Join(parent, "shop")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"not empty", []string{used}, "is not empty; choose a new directory"},
		{"backend", []string{fresh, "--backend", "k8s"}, `--backend "k8s" is not a backend: use ecs or lambda`},
		{"name", []string{fresh, "--name", "Shop"}, `--name "Shop" is not a valid project name`},
		{"dockerfile service", []string{fresh, "--service-dir", dockerOnly}, "it deploys to AWS through its Dockerfile; the sandbox runs Go programs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runMain(append(append([]string{"init"}, tc.args...), "--cwd", root)...)
			assert.Equal(t, ExitBadInput, code, out)
			assert.Contains(t, errOut, tc.want)
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(errOut), "\n")+1, "one line: %q", errOut)
			assert.NoDirExists(t, fresh)
			entries, err := os.ReadDir(parent)
			require.NoError(t, err)
			assert.Empty(t, entries, "nothing written beside DIR either")
		})
	}
	entries, err := os.ReadDir(used)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "the used directory is untouched")
}

func TestInitHelpTeaches(t *testing.T) {
	code, out, _ := runMain("init", "--help")
	require.Equal(t, ExitOK, code)
	assert.Contains(t, out, "Examples:\n  kirikae init ../shop\n")
	assert.Contains(t, out, "--service-dir")
	code, out, _ = runMain("--help")
	require.Equal(t, ExitOK, code)
	assert.Contains(t, out, "  init ")
}

// A project init renamed keeps its state under its own name (Pulumi's
// .pulumi/<kind>/<project>/…): the pipeline roles' grants follow
// Pulumi.yaml's name, not kirikae's config namespace.
func TestIAMPolicyScopesStateByTheProjectsName(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shop")
	code, _, errOut := runMain("init", dir, "--cwd", testproject.Root(t))
	require.Equal(t, ExitOK, code, errOut)
	code, out, errOut := runMain("iam", "policy", "--stack", "staging", "--role", "deploy:staging", "--backend", "s3://team-state", "--cwd", dir)
	require.Equal(t, ExitOK, code, errOut)
	// (Contains on the whole policy would print it all on failure.)
	assert.True(t, strings.Contains(out, "team-state/.pulumi/stacks/shop/staging.json*"), "the state grant names the project shop")
	assert.False(t, strings.Contains(out, "/kirikae/staging"), "no grant names the template's project")
}
