package deploy

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/stacks"
)

// revisions answers HeadObject from a map: what the bucket holds now.
type revisions struct {
	cloud.Cloud
	now map[string]string
}

func (r revisions) ObjectRevision(_ context.Context, bucket, key string) (string, error) {
	return r.now[bucket+"/"+key], nil
}

// GetObject answers the object's bytes: here its revision's.
func (r revisions) GetObject(_ context.Context, bucket, key string) ([]byte, error) {
	return []byte("zip of " + r.now[bucket+"/"+key]), nil
}

// A new object at the same s3:// key is a new revision in the release
// values, so the function's code inputs change; a local artifact has none.
func TestResolveArtifactPinsTheObjectAtTheKey(t *testing.T) {
	objects := revisions{now: map[string]string{"artifacts/api/fn.zip": `"etag-1"`}}
	s := &Session{cloud: objects}
	cfg := stacks.Config{Backend: stacks.BackendLambda}
	want := Values{Lambda: Lambda{Artifact: "s3://artifacts/api/fn.zip"}}

	first, err := s.resolveArtifact(t.Context(), cfg, want)
	require.NoError(t, err)
	assert.Equal(t, `"etag-1"`, first.Lambda.Revision)
	assert.Equal(t, codeSha256([]byte(`zip of "etag-1"`)), first.Lambda.CodeSha256, "the bytes Lambda will fetch")

	objects.now["artifacts/api/fn.zip"] = "v2-version-id" // uploaded again, same key
	second, err := s.resolveArtifact(t.Context(), cfg, first)
	require.NoError(t, err)
	assert.Equal(t, "v2-version-id", second.Lambda.Revision)
	assert.NotEqual(t, first.Config(), second.Config(), "the engine sees new function inputs")
	assert.Equal(t, "v2-version-id", second.Config()[stacks.KeyLambdaArtifactRevision])

	local := second
	local.Lambda.Artifact = "dist/lambda.zip"
	local, err = s.resolveArtifact(t.Context(), cfg, local)
	require.NoError(t, err)
	assert.Empty(t, local.Lambda.Revision)

	ecs, err := s.resolveArtifact(t.Context(), stacks.Config{Backend: stacks.BackendECS}, want)
	require.NoError(t, err)
	assert.Empty(t, ecs.Lambda.Revision)
}
