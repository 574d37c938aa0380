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

// Values that name no frontend release or image (zero values) fall back to
// the stack's config the plan applied, never to the outputs.
func TestChecksWithoutValuesExpectTheStacksConfig(t *testing.T) {
	cfg := stacks.Config{FrontendEnabled: true, Backend: stacks.BackendECS, FrontendRelease: "r2", ImageTag: "v2"}
	outs := map[string]Output{
		infra.OutputURL:             {Value: "https://alb.example"},
		infra.OutputImageTag:        {Value: "v1"},
		infra.OutputFrontendURL:     {Value: "https://d111.cloudfront.net"},
		infra.OutputFrontendRelease: {Value: "r1"},
	}
	cs := checks(cfg, outs, Values{}, true)
	require.Len(t, cs, 2)
	assert.Equal(t, "v2", cs[0].ExpectVersion)
	assert.Equal(t, "r2", cs[1].ExpectVersion)
}
