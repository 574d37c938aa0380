package cli_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/testproject"
)

// The reviewed plan is what gets applied; a stale one is refused with the
// state byte-identical, and drift exits 3 only when something drifted.
func TestReviewedPlanAndDrift(t *testing.T) {
	dir := testproject.Copy(t)
	fastVerify(t, dir)
	require.Equal(t, 0, kirikae(t, dir, "up", "--stack", "staging", "--sandbox").code)

	plan := filepath.Join(t.TempDir(), "staging.plan.json")
	r := kirikae(t, dir, "preview", "--stack", "staging", "--sandbox", "--image", "v2", "--save-plan", plan)
	require.Equal(t, 0, r.code, r.stderr)
	require.FileExists(t, plan)

	r = kirikae(t, dir, "up", "--stack", "staging", "--sandbox", "--plan", plan, "--image", "v9")
	assert.Equal(t, 2, r.code, "a flag that contradicts the reviewed plan")
	assert.Contains(t, r.stderr, "differs from the reviewed plan")

	pushImage(t, dir, "v2")
	r = kirikae(t, dir, "up", "--stack", "staging", "--sandbox", "--plan", plan)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "v2", liveImage(t, dir, "staging"), "the reviewed image went live")

	// The same plan again: the stack moved since it was reviewed.
	state := stateFile(t, dir)
	before := readFile(t, state)
	r = kirikae(t, dir, "up", "--stack", "staging", "--sandbox", "--plan", plan)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "stale")
	assert.Contains(t, r.stderr, "--save-plan")
	assert.Contains(t, r.stderr, "--sandbox", "the hint keeps the flags in effect")
	assert.Equal(t, before, readFile(t, state), "nothing changed")

	r = kirikae(t, dir, "drift", "--stack", "staging", "--sandbox")
	assert.Equal(t, 0, r.code, "no drift right after a deploy: %s", r.stderr)
}
