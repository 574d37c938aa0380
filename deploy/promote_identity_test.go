package deploy_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

// Promote carries what staging verified or nothing: staging's release
// records the image digest and its frontend objects' ETags when it passes
// verification; an object overwritten after that (before the plan, or
// between the plan and its apply) and an image tag pointing at another
// image are refused with nothing changed in product; untouched, the same
// release promotes.
func TestPromoteRefusesWhatChangedSinceVerification(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := testproject.Copy(t)
	writeSite(t, dir, "aaaaaaaa")
	staging := openDeploy(t, dir, "staging", nil)
	prod := openDeploy(t, dir, "product", nil)
	v1 := deployImage(t, staging, "v1")
	require.Equal(t, deploy.VerifyPassed, v1.Release.Verified)
	a := v1.Release.Artifacts
	require.NotNil(t, a, "identities recorded at verification")
	assert.Equal(t, v1.Release.ImageDigest, a.ImageDigest)
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, a.FrontendDigest)
	assert.Positive(t, a.FrontendObjects)

	c, err := deploy.CloudOf(ctx, staging)
	require.NoError(t, err)
	bucket := outputOf(t, staging, infra.OutputFrontendBucket)
	index := infra.ReleasePrefix(v1.Release.FrontendRelease) + "/index.html"
	original, err := c.GetObject(ctx, bucket, index)
	require.NoError(t, err)
	overwrite := func(body string) {
		t.Helper()
		require.NoError(t, c.PutObjectMeta(ctx, bucket, index, []byte(body), cloud.ObjectMeta{ContentType: "text/html"}))
	}
	var changed *deploy.PromoteSourceChangedError

	// Overwritten before the promote plans: refused, nothing planned.
	overwrite("<p>not what staging verified</p>")
	_, err = prod.PlanPromote(ctx, staging, v1.Release.ID)
	require.ErrorAs(t, err, &changed)
	assert.Contains(t, err.Error(), "frontend release "+v1.Release.FrontendRelease)
	assert.NotContains(t, err.Error(), "\n", "one line")
	assert.Zero(t, historyLen(t, prod), "nothing changed in product")

	// Put back (same bytes, same ETag): the plan goes; overwritten again
	// while the plan waits for its approval: the apply refuses before it
	// copies or updates anything.
	overwrite(string(original))
	plan, err := prod.PlanPromote(ctx, staging, v1.Release.ID)
	require.NoError(t, err)
	overwrite("<p>after the plan</p>")
	_, err = prod.Deploy(ctx, plan, deploy.DeployOptions{})
	require.ErrorAs(t, err, &changed)
	assert.Zero(t, historyLen(t, prod), "nothing changed in product")
	have, err := deploy.FrontendReleases(ctx, prod)
	require.NoError(t, err)
	assert.Empty(t, have, "nothing copied into product's bucket")

	// Untouched: the release staging verified promotes.
	overwrite(string(original))
	plan, err = prod.PlanPromote(ctx, staging, v1.Release.ID)
	require.NoError(t, err)
	res, err := prod.Deploy(ctx, plan, deploy.DeployOptions{})
	require.NoError(t, err)
	assert.Equal(t, a.ImageDigest, res.Release.ImageDigest)
	promoted := historyLen(t, prod)

	// The tag is made to name another image (deleted and pushed again:
	// the repository's tags are immutable): the same release is refused.
	cfg, err := stacks.Load(dir, "staging")
	require.NoError(t, err)
	_, err = c.EmptyRepository(ctx, cfg.ImageRepository)
	require.NoError(t, err)
	other, err := openAccount(t, dir, "staging").PushImage(cfg.ImageRepository, "v1", cfg.Platform().OCI, []byte("another program"))
	require.NoError(t, err)
	require.NotEqual(t, a.ImageDigest, other.Digest)
	_, err = prod.PlanPromote(ctx, staging, v1.Release.ID)
	require.ErrorAs(t, err, &changed)
	assert.Contains(t, err.Error(), other.Digest)
	assert.Equal(t, promoted, historyLen(t, prod), "nothing changed in product")
}
