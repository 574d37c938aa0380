package deploy_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/build"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

// CodeDeploy-style blue/green: the staged colour is verified through the
// test listener before the flip, then production is verified after it. A
// staged image that answers with another version is refused before any
// traffic moves: the live release keeps serving.
func TestIdleColourIsVerifiedThroughTheTestListenerBeforeTheFlip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := testproject.Copy(t)
	setStackValue(t, dir, "staging", stacks.KeyTestListenerPort, `"9000"`)
	var phases []string
	s := openDeploy(t, dir, "staging", &phases)
	deployImage(t, s, "v1")
	require.NotEmpty(t, outputOf(t, s, infra.OutputTestURL))

	phases = nil
	deployImage(t, s, "v2")
	order := []string{"stage: green gets image v2", "verify: idle green ok (v2)",
		"switch: traffic blue → green (v1 → v2)", "verify: api ok (v2)"}
	last := -1
	for _, want := range order {
		i := slices.Index(phases, want)
		require.GreaterOrEqual(t, i, 0, "phase %q in %v", want, phases)
		assert.Greater(t, i, last, "%q comes after the phases before it", want)
		last = i
	}

	// v3's program says it is something else: caught on the test listener.
	cfg, err := stacks.Load(dir, "staging")
	require.NoError(t, err)
	bin := filepath.Join(t.TempDir(), "program")
	require.NoError(t, build.Binary(ctx, filepath.Join(dir, "app", "cmd", "server"), runtime.GOOS, runtime.GOARCH, "not-v3", bin))
	program, err := os.ReadFile(bin)
	require.NoError(t, err)
	acct, err := deploy.OpenSandboxAccount(dir, "staging")
	require.NoError(t, err)
	_, err = acct.PushImage(cfg.ImageRepository, "v3", "", program)
	require.NoError(t, err)
	phases = nil
	_, err = deployWith(s, map[string]string{stacks.KeyImageTag: "v3"})
	var failed *deploy.VerifyFailedError
	require.ErrorAs(t, err, &failed)
	assert.Equal(t, "idle", failed.Check)
	assert.NotContains(t, phases, "switch: traffic green → blue (v2 → v3)", "no traffic moved")
	_, v := served(t, dir, s, infra.OutputURL, "/healthz")
	assert.Equal(t, "v2", v, "the live release kept serving")
}
