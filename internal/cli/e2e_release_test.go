package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/testproject"
)

func liveImage(t *testing.T, dir, stack string) string {
	t.Helper()
	var outs struct {
		Outputs map[string]struct {
			Value any `json:"value"`
		} `json:"outputs"`
	}
	kirikaeJSON(t, dir, &outs, "outputs", "--stack", stack, "--sandbox")
	img, _ := outs.Outputs["imageTag"].Value.(string)
	return img
}

// fastVerify shortens verification in the copied stack files: a failing
// check then gives up in about a second instead of spreading its attempts
// over the minute a real rollout gets.
func fastVerify(t *testing.T, dir string) {
	t.Helper()
	for _, stack := range []string{"staging", "product"} {
		p := filepath.Join(dir, "Pulumi."+stack+".yaml")
		raw := readFile(t, p)
		fixed := strings.Replace(string(raw), "kirikae:verifyTimeout: 60s", "kirikae:verifyTimeout: 2s", 1)
		require.NotEqual(t, string(raw), fixed, "stack file has no verifyTimeout to shorten")
		require.NoError(t, os.WriteFile(p, []byte(fixed), 0o644))
	}
}

// pushImage pushes tag to staging's sandbox repository, as a pipeline's
// build job pushes before it deploys: `up` refuses an image not in ECR.
func pushImage(t *testing.T, dir, tag string) {
	t.Helper()
	r := kirikae(t, dir, "sandbox", "push-image", tag, "--stack", "staging", "--sandbox")
	require.Equal(t, 0, r.code, r.stderr)
}

func TestEndToEndReleaseCycle(t *testing.T) {
	dir := testproject.Copy(t)
	fastVerify(t, dir)
	require.Equal(t, 0, kirikae(t, dir, "up", "--stack", "staging", "--sandbox").code)
	pushImage(t, dir, "v2")
	r := kirikae(t, dir, "up", "--stack", "staging", "--sandbox", "--image", "v2")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Release plan for staging (deploy)")
	assert.Contains(t, r.stdout, "traffic blue → green")
	assert.Contains(t, r.stdout, "undo with  kirikae rollback --stack staging --to 1 --sandbox")
	assert.Equal(t, "v2", liveImage(t, dir, "staging"))

	var rel struct {
		Releases []struct {
			ID              int    `json:"id"`
			Live            bool   `json:"live"`
			ImageTag        string `json:"imageTag"`
			Verified        string `json:"verified"`
			RollbackCommand string `json:"rollbackCommand"`
		} `json:"releases"`
	}
	kirikaeJSON(t, dir, &rel, "releases", "--stack", "staging", "--sandbox")
	require.Len(t, rel.Releases, 2)
	assert.Equal(t, "v2", rel.Releases[0].ImageTag)
	assert.Equal(t, "passed", rel.Releases[0].Verified)
	assert.True(t, rel.Releases[0].Live)
	assert.Empty(t, rel.Releases[0].RollbackCommand, "no rollback to the live release")
	assert.Equal(t, []int{2, 1}, []int{rel.Releases[0].ID, rel.Releases[1].ID})
	assert.Equal(t, "kirikae rollback --stack staging --to 1 --sandbox", rel.Releases[1].RollbackCommand)

	// Unknown target: exit 2, state untouched.
	state := stateFile(t, dir)
	before := readFile(t, state)
	r = kirikae(t, dir, "rollback", "--stack", "staging", "--sandbox", "--to", "999", "--yes")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, `no release "999"`)
	assert.Equal(t, before, readFile(t, state))

	// One command back to v1: a weight flip.
	r = kirikae(t, dir, "rollback", "--stack", "staging", "--sandbox", "--yes")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Rolled back image v1")
	// The production listener's weights and the test listener's idle
	// colour: the count is the update's own summary.
	assert.Contains(t, r.stdout, "1 engine update, 2 resources touched: 2 updated")
	assert.Equal(t, "v1", liveImage(t, dir, "staging"))

	// A release whose tasks never pass their health check is rolled back
	// by ECS's circuit breaker: exit 1, the previous release stays live.
	broken := filepath.Join(testproject.Root(t), "internal", "testproject", "workload")
	r = kirikae(t, dir, "sandbox", "push-image", "v3-unhealthy", "--stack", "staging", "--dir", broken)
	require.Equal(t, 0, r.code, r.stderr)
	r = kirikae(t, dir, "up", "--stack", "staging", "--sandbox", "--image", "v3-unhealthy")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "ECS rolled back service")
	assert.Equal(t, "v1", liveImage(t, dir, "staging"), "the previous release is live again")

	// Promote: refused off a terminal without --yes, refused after a failed
	// staging release, then applied once staging is verified again.
	r = kirikae(t, dir, "promote", "--from", "staging", "--to", "product", "--sandbox", "--yes")
	assert.Equal(t, 2, r.code, "staging's latest release failed")
	assert.Contains(t, r.stderr, "staging")
	pushImage(t, dir, "v4")
	require.Equal(t, 0, kirikae(t, dir, "up", "--stack", "staging", "--sandbox", "--image", "v4").code)
	r = kirikae(t, dir, "promote", "--from", "staging", "--to", "product", "--sandbox")
	assert.Equal(t, 2, r.code, "product needs --yes off a terminal")
	r = kirikae(t, dir, "promote", "--from", "staging", "--to", "product", "--sandbox", "--yes")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Promoted image v4")
	assert.Equal(t, "v4", liveImage(t, dir, "product"))
}
