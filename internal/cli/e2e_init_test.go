package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
)

// goIn runs the go command in dir as a user of the new project would.
// GOFLAGS, the module cache and the build cache are the caller's: the
// dependencies are kirikae's own, so only the project's packages compile.
func goIn(t *testing.T, dir string, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	t.Logf("go %v: %s", args, time.Since(start).Round(time.Second))
	require.NoError(t, err, "go %v in the new project:\n%s\n%s", args, out.String(), errOut.String())
	return out.String(), errOut.String()
}

// TestInitMakesAProjectThatBuildsAndDeploys is kirikae init as a team
// starts with it: init from this checkout into a new directory, then, in
// that directory, the build and vet, a cheap part of its own tests, and the
// first command init prints, which deploys it to the sandbox. One deploy
// only (CI's budget): the new project's full ./scripts/test is the same
// suite as this repository's and would take as long again, so it runs
// `go test ./stacks ./infra ./scaffold` (its config, its program on mocks
// and init itself: what the new name, module and region touch) instead.
func TestInitMakesAProjectThatBuildsAndDeploys(t *testing.T) {
	testproject.CLI(t)
	dir := filepath.Join(t.TempDir(), "shop")
	r := kirikae(t, testproject.Root(t), "init", dir, "--module", "example.com/acme/shop", "--region", "eu-west-1")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Created shop in "+dir)
	first := "cd " + dir + " && go run ./cmd up --stack staging --sandbox"
	assert.Contains(t, r.stdout, "  "+first+"\n")
	assert.Contains(t, r.stdout, "  ./scripts/test\n")
	assert.FileExists(t, filepath.Join(dir, "infra", "yours.go"))
	assert.DirExists(t, filepath.Join(dir, ".github", "workflows"))
	assert.NoDirExists(t, filepath.Join(dir, ".kirikae"))
	assert.NoDirExists(t, filepath.Join(dir, ".git"))

	goIn(t, dir, "build", "./...")
	goIn(t, dir, "vet", "./...")
	goIn(t, dir, "test", "-count=1", "./stacks", "./infra", "./scaffold")

	// The printed first command, as printed (after the cd).
	out, _ := goIn(t, dir, "run", "./cmd", "up", "--stack", "staging", "--sandbox")
	assert.Contains(t, out, "verification passed")

	var rels struct {
		Releases []struct {
			ID       int    `json:"id"`
			ImageTag string `json:"imageTag"`
			Live     bool   `json:"live"`
			Verified string `json:"verified"`
		} `json:"releases"`
	}
	kirikaeJSON(t, dir, &rels, "releases", "--stack", "staging", "--sandbox")
	require.Len(t, rels.Releases, 1)
	assert.Equal(t, 1, rels.Releases[0].ID)
	assert.Equal(t, deploy.VerifyPassed, rels.Releases[0].Verified)
	assert.True(t, rels.Releases[0].Live)

	// The deployed resources carry the new project's name, in its region.
	var outs struct {
		Outputs map[string]map[string]any `json:"outputs"`
	}
	kirikaeJSON(t, dir, &outs, "outputs", "--stack", "staging", "--sandbox")
	assert.Contains(t, outs.Outputs["url"]["value"], "shop-staging")
	assert.Contains(t, outs.Outputs["url"]["value"], "eu-west-1")
}
