package sandbox

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A digest reference is answered with the tag its program was pushed
// under (sandbox images bake their tag in); an unknown digest stays.
func TestPulledVersionOfADigest(t *testing.T) {
	h := newHarness(t)
	h.create("aws:ecr/repository:Repository", "repo", pmap(map[string]any{"name": "api"}))
	pushed, err := h.acct.PushImage("api", "v7", []byte("program v7"))
	require.NoError(t, err)
	require.NoError(t, h.acct.view(func(st *state) error {
		assert.Equal(t, "v7", st.pulledVersion(pushed.Digest))
		assert.Equal(t, "v1", st.pulledVersion("v1"))
		unknown := "sha256:0000000000000000000000000000000000000000000000000000000000000000"
		assert.Equal(t, unknown, st.pulledVersion(unknown))
		return nil
	}))
}
