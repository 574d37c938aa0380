package stacks

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An s3:// Lambda artifact comes from the one bucket the stack file names
// (kirikae:lambdaArtifactBucket), the bucket the deploy role may read: a
// release override naming another bucket is refused, as the stack file
// itself is when it names no bucket for its s3:// artifact.
func TestAnS3ArtifactComesFromTheNamedBucket(t *testing.T) {
	c := loaded(t, "kirikae:backend: lambda", "kirikae:lambdaArtifactBucket: team-artifacts")
	got, err := c.With(map[string]string{KeyLambdaArtifact: "s3://team-artifacts/api/abc.zip"})
	require.NoError(t, err)
	assert.Equal(t, "s3://team-artifacts/api/abc.zip", got.LambdaArtifact)

	_, err = c.With(map[string]string{KeyLambdaArtifact: "s3://elsewhere/api/abc.zip"})
	assert.EqualError(t, err, `override: kirikae:lambdaArtifact: "s3://elsewhere/api/abc.zip" is in bucket elsewhere, not team-artifacts (kirikae:lambdaArtifactBucket): upload it there, or name elsewhere as kirikae:lambdaArtifactBucket in the stack file`)

	unnamed := loaded(t, "kirikae:backend: lambda")
	_, err = unnamed.With(map[string]string{KeyLambdaArtifact: "s3://team-artifacts/api/abc.zip"})
	assert.EqualError(t, err, `override: kirikae:lambdaArtifact: "s3://team-artifacts/api/abc.zip" is in S3 but kirikae:lambdaArtifactBucket is empty; set kirikae:lambdaArtifactBucket: team-artifacts in the stack file (the deploy role may read its objects)`)
	_, err = Parse(testFile, []byte(stackYAML("kirikae:backend: lambda", "kirikae:lambdaArtifact: s3://team-artifacts/api/abc.zip")), "staging")
	assert.ErrorContains(t, err, "kirikae:lambdaArtifactBucket is empty", "the stack file's own artifact")

	_, err = unnamed.With(map[string]string{KeyLambdaArtifact: "dist/lambda.zip"})
	assert.NoError(t, err, "a local artifact needs no bucket")
}
