package cli_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
)

// A deployed stack's frontend bucket holds its release: destroy says so
// (which bucket, how many object versions), deletes nothing, and names the
// flag; --force-empty empties the bucket and the image repository and
// destroys everything.
func TestDestroySaysWhatBlocksItAndForceEmptyDeletes(t *testing.T) {
	dir := testproject.Copy(t)
	r := kirikae(t, dir, "up", "--stack", "staging", "--sandbox")
	require.Equal(t, 0, r.code, r.stderr)
	acct, err := deploy.OpenSandboxAccount(dir, "staging")
	require.NoError(t, err)
	cfg := testproject.Stack(t, dir, "staging")
	bucket := regexp.QuoteMeta(cfg.ServiceName + "-staging-frontend-")
	_, err = acct.PushImage(cfg.ImageRepository, "v9", "", []byte("#!program v9"))
	require.NoError(t, err)
	before, err := acct.Resources()
	require.NoError(t, err)

	r = kirikae(t, dir, "destroy", "--stack", "staging", "--sandbox", "--yes")
	assert.Equal(t, 2, r.code, r.stderr)
	assert.Regexp(t, `bucket `+bucket+acct.ID()+` holds \d+ object versions`, r.stderr)
	assert.Contains(t, r.stderr, "nothing was deleted")
	assert.Contains(t, r.stderr, "kirikae destroy --stack staging --yes --force-empty --sandbox")
	after, err := acct.Resources()
	require.NoError(t, err)
	assert.Len(t, after, len(before))

	r = kirikae(t, dir, "destroy", "--stack", "staging", "--sandbox", "--yes", "--force-empty")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Regexp(t, `emptied bucket `+bucket+`\d+: \d+ object versions deleted`, r.stderr)
	assert.Contains(t, r.stderr, "emptied repository "+cfg.ImageRepository+": 2 images deleted", "the initial image the first up pushed, and v9")
	after, err = acct.Resources()
	require.NoError(t, err)
	assert.Empty(t, after)
}

// --force-empty is no way around product's guard.
func TestForceEmptyOnProductStillNeedsConfirm(t *testing.T) {
	dir := testproject.Copy(t)
	r := kirikae(t, dir, "destroy", "--stack", "product", "--sandbox", "--yes", "--force-empty")
	assert.Equal(t, 2, r.code, r.stderr)
	assert.Contains(t, r.stderr, "--confirm product")
	assert.Contains(t, r.stderr, "nothing was changed")
}
