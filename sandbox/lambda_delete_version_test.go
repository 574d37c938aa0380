package sandbox

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// DeleteFunction with a Qualifier deletes one published version, through
// kirikae's data plane (aws-sdk-go-v2), as Lambda does: never $LATEST,
// never a version an alias points at, and version numbers are not reused.
// https://docs.aws.amazon.com/lambda/latest/api/API_DeleteFunction.html
func TestLambdaDeletesAPublishedVersionNoAliasNames(t *testing.T) {
	h := newHarness(t)
	fn := h.create("aws:lambda/function:Function", "fn", function(t, "v1", map[string]any{"name": "api"}))
	h.update(fn, function(t, "v2", map[string]any{"name": "api"}), false)
	h.update(fn, function(t, "v3", map[string]any{"name": "api"}), false)
	h.create(aliasType, "live", pmap(map[string]any{"name": "live", "functionName": "api", "functionVersion": "3",
		"routingConfig": map[string]any{"additionalVersionWeights": map[string]any{"2": 0.1}}}))
	c := h.cloud()
	ctx := t.Context()

	versions, err := c.FunctionVersions(ctx, "api")
	require.NoError(t, err)
	assert.Equal(t, []string{"1", "2", "3"}, versions)

	require.NoError(t, c.DeleteFunctionVersion(ctx, "api", "1"))
	err = c.DeleteFunctionVersion(ctx, "api", "3")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ResourceConflictException", "alias live points at 3")
	err = c.DeleteFunctionVersion(ctx, "api", "2")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "aliases reference it", "live routes a weight to 2")
	assert.Error(t, c.DeleteFunctionVersion(ctx, "api", "$LATEST"))
	err = c.DeleteFunctionVersion(ctx, "api", "1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ResourceNotFoundException")

	versions, err = c.FunctionVersions(ctx, "api")
	require.NoError(t, err)
	assert.Equal(t, []string{"2", "3"}, versions)
	h.update(fn, function(t, "v4", map[string]any{"name": "api"}), false)
	versions, err = c.FunctionVersions(ctx, "api")
	require.NoError(t, err)
	assert.Equal(t, []string{"2", "3", "4"}, versions, "a deleted number is never reused")
}
