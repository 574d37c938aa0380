package deploy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
)

// The frontend check expects the release the plan applied, never what the
// stack's outputs report back: an update that left the old release in its
// outputs (or served it) must fail verification, not pass it.
func TestFrontendCheckExpectsTheAppliedRelease(t *testing.T) {
	cfg := stacks.Config{FrontendEnabled: true, Backend: stacks.BackendECS}
	outs := map[string]Output{
		infra.OutputFrontendURL:     {Value: "https://d111.cloudfront.net"},
		infra.OutputFrontendRelease: {Value: "r1"},
	}
	cs := checks(cfg, outs, Values{FrontendRelease: "r2"}, true)
	require.Len(t, cs, 1)
	assert.Equal(t, "frontend", cs[0].Name)
	assert.Equal(t, "r2", cs[0].ExpectVersion)
}
