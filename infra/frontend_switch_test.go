package infra

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/stacks"
)

func TestReleaseLivesInOneKeyReadByTheViewerRequestFunction(t *testing.T) {
	m := run(t, testConfig(stacks.BackendECS))
	store := m.one(t, "aws:cloudfront/keyValueStore:KeyValueStore", "releases")
	key := m.one(t, "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey", "release")
	assert.Equal(t, ReleaseKey, str(t, key.Inputs, "key"))
	assert.Equal(t, "r1", str(t, key.Inputs, "value"))
	assert.Equal(t, str(t, store.Outputs, "arn"), str(t, key.Inputs, "keyValueStoreArn"))

	fn := m.one(t, "aws:cloudfront/function:Function", "release")
	assert.Equal(t, "cloudfront-js-2.0", str(t, fn.Inputs, "runtime"))
	assert.Equal(t, str(t, store.Outputs, "arn"), str(t, fn.Inputs, "keyValueStoreAssociations", 0))
	code := str(t, fn.Inputs, "code")
	assert.Contains(t, code, "import cf from 'cloudfront';")
	assert.Contains(t, code, "const spaFallback = false;")
	assert.NotContains(t, code, "SPA_FALLBACK;")

	dist := m.one(t, typeDistribution, "cdn")
	assert.Equal(t, "viewer-request", str(t, dist.Inputs, "defaultCacheBehavior", "functionAssociations", 0, "eventType"))
	assert.Equal(t, str(t, fn.Outputs, "arn"), str(t, dist.Inputs, "defaultCacheBehavior", "functionAssociations", 0, "functionArn"))
}

// A switch is data: the key's value changes, the distribution and the
// function do not.
func TestReleaseSwitchChangesOnlyTheKey(t *testing.T) {
	r1, r2 := testConfig(stacks.BackendECS), testConfig(stacks.BackendECS)
	r2.FrontendRelease = "r2"
	m1, m2 := run(t, r1), run(t, r2)
	for _, typ := range []string{typeDistribution, "aws:cloudfront/function:Function", "aws:cloudfront/keyValueStore:KeyValueStore"} {
		a, b := m1.ofType(typ), m2.ofType(typ)
		require.Len(t, a, 1)
		require.Len(t, b, 1)
		assert.Nil(t, a[0].Inputs.Diff(b[0].Inputs), typ)
	}
	k1 := m1.one(t, "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey", "release").Inputs
	k2 := m2.one(t, "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey", "release").Inputs
	diff := k1.Diff(k2)
	require.NotNil(t, diff)
	assert.Equal(t, []string{"value"}, keys(diff.ChangedKeys()))
}

func keys[K ~string](ks []K) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

func TestNoReleaseYetHasNoKey(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	cfg.FrontendRelease = ""
	m := run(t, cfg)
	assert.Empty(t, m.ofType("aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey"))
	assert.Len(t, m.ofType("aws:cloudfront/function:Function"), 1)
}

func TestSpaFallbackIsAFunctionSetting(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	cfg.FrontendSpa = true
	code := str(t, run(t, cfg).one(t, "aws:cloudfront/function:Function", "release").Inputs, "code")
	assert.Contains(t, code, "const spaFallback = true;")
	assert.Equal(t, 1, strings.Count(ViewerRequestCode(true), "spaFallback = true"))
}

// No path is cached outside a release prefix, so a switch has nothing to
// invalidate (deploy/frontend.go): every viewer request meets the
// viewer-request function — one cache behaviour, which carries it — and no
// custom error response sends CloudFront to a page under a shared path.
// Adding either would make that path shared between releases.
func TestEveryFrontendRequestGoesThroughTheReleaseSwitch(t *testing.T) {
	dist := run(t, testConfig(stacks.BackendECS)).one(t, typeDistribution, "cdn")
	assert.False(t, has(dist.Inputs, "orderedCacheBehaviors") && len(at(t, dist.Inputs, "orderedCacheBehaviors").ArrayValue()) > 0,
		"another cache behaviour would serve paths the function never rewrites")
	assert.False(t, has(dist.Inputs, "customErrorResponses") && len(at(t, dist.Inputs, "customErrorResponses").ArrayValue()) > 0,
		"a custom error page is fetched under its own path, shared by every release")
	fns := at(t, dist.Inputs, "defaultCacheBehavior", "functionAssociations").ArrayValue()
	require.Len(t, fns, 1)
	assert.Equal(t, "viewer-request", str(t, dist.Inputs, "defaultCacheBehavior", "functionAssociations", 0, "eventType"))
}
