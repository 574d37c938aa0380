package deploy_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

// A live release that was never verified is never "up to date": a plain
// up (nothing to change) says so in its plan and verifies it again. When
// it passes it is recorded as verified; when it fails the newest release
// that passed goes back live.
func TestAnUnverifiedLiveReleaseIsVerifiedByTheNextUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := testproject.Copy(t)
	s := openDeploy(t, dir, "staging", nil)
	first := deployImage(t, s, "v1")
	require.Equal(t, deploy.VerifyPassed, first.Release.Verified)

	// v2 is a build that answers as v9, deployed without verification.
	pushProgram(t, dir, "staging", "v2", appPkg, "v9")
	p, err := s.PlanDeploy(ctx, deploy.DeployRequest{Overrides: map[string]string{stacks.KeyImageTag: "v2"}})
	require.NoError(t, err)
	skipped, err := s.Deploy(ctx, p, deploy.DeployOptions{SkipVerify: true})
	require.NoError(t, err)
	require.Equal(t, deploy.VerifySkipped, skipped.Release.Verified)

	p, err = s.PlanDeploy(ctx, deploy.DeployRequest{})
	require.NoError(t, err)
	assert.False(t, p.Preview.HasChanges(), "nothing to change")
	require.NotNil(t, p.Reverify, "yet not up to date")
	assert.Equal(t, skipped.Release.ID, p.Reverify.Release.ID)
	require.NotNil(t, p.Reverify.Back)
	assert.Equal(t, first.Release.ID, p.Reverify.Back.ID)
	assert.Contains(t, p.Reverify.Say(), "was never verified: this up verifies it again")
	assert.Contains(t, p.Reverify.Say(), "release 1 (image v1")

	_, err = s.Deploy(ctx, p, deploy.DeployOptions{})
	var vf *deploy.VerifyFailedError
	require.ErrorAs(t, err, &vf)
	assert.Contains(t, vf.Reason, "v9")
	assert.Positive(t, vf.RolledBackTo)
	status, v := served(t, dir, s, infra.OutputURL, "/healthz")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "v1", v, "the newest verified release is back live")
	rels, err := s.Releases(ctx)
	require.NoError(t, err)
	assert.Equal(t, deploy.VerifyPassed, rels[0].Verified)
	assert.Equal(t, "v1", rels[0].ImageTag)

	// Up to date now: the live release passed.
	p, err = s.PlanDeploy(ctx, deploy.DeployRequest{})
	require.NoError(t, err)
	assert.Nil(t, p.Reverify)

	// A good release deployed without verification passes when verified.
	pushProgram(t, dir, "staging", "v3", appPkg, "v3")
	p, err = s.PlanDeploy(ctx, deploy.DeployRequest{Overrides: map[string]string{stacks.KeyImageTag: "v3"}})
	require.NoError(t, err)
	_, err = s.Deploy(ctx, p, deploy.DeployOptions{SkipVerify: true})
	require.NoError(t, err)
	again, err := deployWith(s, nil)
	require.NoError(t, err)
	assert.Equal(t, deploy.VerifyPassed, again.Release.Verified)
	assert.Equal(t, "v3", again.Release.ImageTag)
}
