package deploy_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

// A freeze stops up, promote and plain rollback, lets a forced rollback
// through (journaled as forced), and ends with unlock.
func TestFreezeRefusesDeploysButNotAForcedRollback(t *testing.T) {
	t.Parallel()
	dir := testproject.Copy(t)
	ctx := context.Background()
	s := openDeploy(t, dir, "staging", nil)
	deployImage(t, s, "v1")
	deployImage(t, s, "v2")

	_, err := s.SetFreeze(ctx, true, "release freeze until Monday")
	require.NoError(t, err)
	f, err := s.CurrentFreeze(ctx)
	require.NoError(t, err)
	assert.True(t, f.Frozen)

	_, err = deployWith(s, map[string]string{stacks.KeyImageTag: "v3"})
	var fe *deploy.FrozenError
	require.ErrorAs(t, err, &fe)
	assert.Contains(t, err.Error(), "release freeze until Monday")
	assert.NotImplements(t, (*deploy.BadInput)(nil), err, "a freeze is exit 1, not bad input")
	assert.Contains(t, fe.Hint(s.Invocation()), "kirikae unlock --stack staging --sandbox")
	assert.Contains(t, fe.Hint(s.Invocation()), "kirikae rollback --stack staging --force --sandbox")
	_, err = s.PlanRollback(ctx, deploy.RollbackRequest{})
	require.ErrorAs(t, err, &fe)
	_, err = openDeploy(t, dir, "product", nil).PlanPromote(ctx, s, 0)
	require.NoError(t, err, "product is not frozen: staging's freeze is staging's")

	// An incident does not wait for the freeze.
	p, res := rollback(t, s, deploy.RollbackRequest{Force: true})
	assert.Equal(t, "v1", res.Release.ImageTag)
	assert.True(t, p.From != nil)
	recs, err := s.Journal(ctx, time.Time{})
	require.NoError(t, err)
	require.NotEmpty(t, recs)
	assert.Equal(t, "rollback", recs[0].Start.Op)
	assert.True(t, strings.HasPrefix(recs[0].End.Note, "forced (--force) during a deploy freeze"), recs[0].End.Note)
	assert.Equal(t, "lock", recs[1].Start.Op)

	_, err = s.SetFreeze(ctx, false, "")
	require.NoError(t, err)
	deployImage(t, s, "v3")
}
