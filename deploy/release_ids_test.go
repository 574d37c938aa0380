package deploy_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/journal"
	"github.com/kirikae/kirikae/stacks"
)

// TestReleaseIDsSurviveManyDeploys deploys 12 images, then checks that
// every release got its own id, that `releases` lists them all, and that
// each rollback command printed along the way still names the release that
// was live when it was printed. Before release ids, history was read as one
// page of 10 updates and every deploy after the 10th was "release 10": 12
// deploys are two past that page.
func TestReleaseIDsSurviveManyDeploys(t *testing.T) {
	testproject.Long(t, "12 deploys through the engine")
	const deploys = 12
	dir := testproject.Copy(t)
	s := openDeploy(t, dir, "staging", nil)
	ctx := context.Background()

	printed := map[int]string{} // deploy n → the rollback command its plan printed
	ids := map[int]int{}        // deploy n → its release id
	for n := 1; n <= deploys; n++ {
		require.NoError(t, pushImage(ctx, s, fmt.Sprintf("v%d", n)))
		p, err := s.PlanDeploy(ctx, deploy.DeployRequest{Overrides: map[string]string{stacks.KeyImageTag: fmt.Sprintf("v%d", n)}})
		require.NoError(t, err, "plan deploy %d", n)
		printed[n] = p.RollbackCommand
		res, err := s.Deploy(ctx, p, deploy.DeployOptions{})
		require.NoError(t, err, "deploy %d", n)
		ids[n] = res.Release.ID
	}

	rels, err := s.Releases(ctx)
	require.NoError(t, err)
	require.Len(t, rels, deploys, "releases lists every release")
	byID := map[int]deploy.Release{}
	for i, r := range rels {
		_, dup := byID[r.ID]
		assert.False(t, dup, "release id %d repeats", r.ID)
		byID[r.ID] = r
		if i > 0 {
			assert.Less(t, r.ID, rels[i-1].ID, "newest first")
		}
	}
	for n := 1; n <= deploys; n++ {
		assert.Equal(t, fmt.Sprintf("v%d", n), byID[ids[n]].ImageTag, "release %d is deploy %d", ids[n], n)
	}
	live, ok := deploy.LiveRelease(rels)
	require.True(t, ok)
	assert.Equal(t, ids[deploys], live.ID)

	// Each printed command restores the release that was live before that
	// deploy: deploy n-1's.
	assert.Empty(t, printed[1], "a first deploy has nothing to roll back to")
	for n := 2; n <= deploys; n++ {
		want := "kirikae rollback --stack staging --to " + strconv.Itoa(ids[n-1]) + " --sandbox"
		assert.Equal(t, want, printed[n], "deploy %d", n)
	}

	// And running them, long after they were printed, restores exactly
	// those releases: one printed before the 10th deploy, one after.
	for _, n := range []int{4, 12} {
		to := strings.Fields(printed[n])[5] // kirikae rollback --stack S --to ID
		_, res := rollback(t, s, deploy.RollbackRequest{To: to})
		assert.Equal(t, fmt.Sprintf("v%d", n-1), res.Release.ImageTag, "printed by deploy %d", n)
		assert.Equal(t, fmt.Sprintf("v%d", n-1), outputOf(t, s, infra.OutputImageTag))
		_, v := served(t, dir, s, infra.OutputURL, "/healthz")
		assert.Equal(t, fmt.Sprintf("v%d", n-1), v)
	}
	// Pulumi history is read whole (the CLI pages 10 by default), and
	// --limit keeps the newest.
	hist, err := s.History(ctx, 0)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(hist), 2*deploys, "a switch deploy is a stage and a switch update")
	assert.Equal(t, len(hist), hist[0].Version, "numbered 1..N by age, newest first")
	newest, err := s.History(ctx, 5)
	require.NoError(t, err)
	require.Len(t, newest, 5)
	assert.Equal(t, hist[:5], newest)

	after, err := s.Releases(ctx)
	require.NoError(t, err)
	assert.Len(t, after, deploys+2, "each rollback is a release of its own")
	assert.Greater(t, after[0].ID, ids[deploys])
	assert.Equal(t, deploy.KindRollback, after[0].Kind)

	// Every operation is journaled, start and end, newest first, with the
	// release id it produced.
	recs, err := s.Journal(ctx, time.Time{})
	require.NoError(t, err)
	require.Len(t, recs, deploys+2)
	assert.Equal(t, "rollback", recs[0].Start.Op)
	assert.Equal(t, after[0].ID, recs[0].End.Release.ID)
	for i, r := range recs[2:] {
		assert.Equal(t, "up", r.Start.Op)
		assert.Equal(t, journal.ResultSucceeded, r.Result)
		assert.Equal(t, ids[deploys-i], r.End.Release.ID, "journal entry %d", i)
		assert.NotEmpty(t, r.End.Changes, "journal entry %d has change counts", i)
	}
}
