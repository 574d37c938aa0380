package sandbox

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecr"
)

// A lifecycle policy is checked as PutLifecyclePolicy checks it, belongs
// to an existing repository, and goes with it.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutLifecyclePolicy.html
func TestECRLifecyclePolicyBelongsToItsRepository(t *testing.T) {
	h := newHarness(t)
	const keep10 = `{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}}]}`
	for _, bad := range []string{`{}`, `{"rules":[{"rulePriority":0,"selection":{},"action":{"type":"expire"}}]}`,
		`{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any"},"action":{"type":"keep"}}]}`} {
		resp := h.check(ecr.TokLifecyclePolicy, "lp", nil, pmap(map[string]any{"repository": "app", "policy": bad}))
		assert.Len(t, resp.GetFailures(), 1, bad)
	}
	assert.Empty(t, h.check(ecr.TokLifecyclePolicy, "lp", nil, pmap(map[string]any{"repository": "app", "policy": keep10})).GetFailures())

	_, err := h.tryCreate(ecr.TokLifecyclePolicy, "lp", pmap(map[string]any{"repository": "app", "policy": keep10}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "RepositoryNotFoundException")

	repo := h.create(core.TokRepository, "repo", pmap(map[string]any{"name": "app"}))
	lp := h.create(ecr.TokLifecyclePolicy, "lp", pmap(map[string]any{"repository": "app", "policy": keep10}))
	assert.Equal(t, "app", lp.id)
	h.delete(repo)
	_, rec := mustState(t, h.acct).Find(ecr.TokLifecyclePolicy, "app", "")
	assert.Nil(t, rec, "the policy goes with its repository")
}
