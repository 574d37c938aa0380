package deploy_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

// A reviewed plan applies only while nothing it depends on moved: another
// deploy or a stack-file edit since the review makes it stale.
func TestReviewedPlanGoesStale(t *testing.T) {
	t.Parallel()
	dir := testproject.Copy(t)
	ctx := context.Background()
	s := openDeploy(t, dir, "staging", nil)
	deployImage(t, s, "v1")

	overrides := map[string]string{stacks.KeyImageTag: "v2"}
	pf, err := s.PlanFileFor(ctx, overrides, map[string]int{"update": 2})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "staging.plan.json")
	require.NoError(t, deploy.SavePlan(path, pf))
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	loaded, err := deploy.LoadPlan(path)
	require.NoError(t, err)
	assert.Equal(t, pf, loaded)
	require.NoError(t, s.CheckPlan(ctx, loaded), "nothing moved since the review")

	// Another deploy lands before the reviewed one.
	deployImage(t, s, "v3")
	err = s.CheckPlan(ctx, loaded)
	var stale *deploy.StalePlanFileError
	require.ErrorAs(t, err, &stale)
	assert.Implements(t, (*deploy.BadInput)(nil), err)
	assert.Contains(t, err.Error(), "deployed since")

	// A stack-file edit moves it too.
	fresh, err := s.PlanFileFor(ctx, overrides, nil)
	require.NoError(t, err)
	setStackValue(t, dir, "staging", stacks.KeyDesiredCount, "2")
	err = s.CheckPlan(ctx, fresh)
	require.ErrorAs(t, err, &stale)
	assert.Contains(t, err.Error(), "Pulumi.staging.yaml changed")

	_, err = deploy.LoadPlan(filepath.Join(dir, "Pulumi.yaml"))
	var bad *deploy.PlanFileError
	require.ErrorAs(t, err, &bad)
	assert.Implements(t, (*deploy.BadInput)(nil), err)
}
