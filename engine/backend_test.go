package engine_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/engine"
)

// The repro: `refresh --sandbox` with the team backend exported
// wrote simulated results into real state. Open refuses before it touches
// the backend or even looks for the engine.
func TestSandboxRefusesAnExplicitBackend(t *testing.T) {
	dir := t.TempDir()
	for _, backend := range []string{"s3://team-state/kirikae", "https://api.pulumi.com", "file:///srv/team-state",
		"file://" + engine.PathsFor(dir, false).Backend} {
		_, err := engine.Open(context.Background(), engine.Options{ProjectDir: dir, Stack: "staging", Sandbox: true, Backend: backend})
		var sbe *engine.SandboxBackendError
		require.True(t, errors.As(err, &sbe), "%s: got %v", backend, err)
		var bad engine.BadInput
		assert.True(t, errors.As(err, &bad), "exit 2: nothing changed")
		assert.Contains(t, err.Error(), backend)
		assert.Contains(t, sbe.Hint(), "unset KIRIKAE_BACKEND")
	}
}

func TestSandboxAcceptsItsOwnBackend(t *testing.T) {
	p := engine.PathsFor(t.TempDir(), true)
	assert.NoError(t, p.CheckSandboxBackend(true, ""))
	assert.NoError(t, p.CheckSandboxBackend(true, "file://"+p.Backend))
	assert.NoError(t, p.CheckSandboxBackend(true, "file://"+p.Backend+"/"))
	assert.NoError(t, p.CheckSandboxBackend(false, "s3://team-state"), "real runs use any backend")
}
