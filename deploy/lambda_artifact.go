package deploy

import (
	"context"
	"fmt"
	"strings"

	"github.com/kirikae/kirikae/stacks"
)

// resolveArtifact pins an s3:// Lambda artifact to the object its key
// holds now (version id or ETag, cloud.ObjectRevision) in the release
// values: a new object uploaded at the same key then changes the
// function's code inputs and publishes a new version, and the release
// names the bytes it ran. A local artifact carries no revision: the
// engine hashes the archive itself. Either way kirikae records the
// artifact's CodeSha256 to verify the published version by
// (lambda_code.go).
func (s *Session) resolveArtifact(ctx context.Context, cfg stacks.Config, want Values) (Values, error) {
	if cfg.Backend != stacks.BackendLambda {
		return want, nil
	}
	bucket, key, ok := s3Artifact(want.Lambda.Artifact)
	if !ok {
		want.Lambda.Revision = ""
		projectDir := ""
		if s.Session != nil {
			projectDir = s.ProjectDir()
		}
		sha, err := artifactCodeSha256(projectDir, want.Lambda.Artifact)
		if err != nil {
			return want, fmt.Errorf("preflight %s: %w", s.Stack(), err)
		}
		want.Lambda.CodeSha256 = sha
		return want, nil
	}
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return want, err
	}
	// The object's bytes are what Lambda will fetch and hash. Read first:
	// a refused GET says which action on which object in S3's error body,
	// a refused HEAD is a bare 403 (a HEAD response has no body).
	// https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
	zip, err := c.GetObject(ctx, bucket, key)
	if err != nil {
		return want, fmt.Errorf("preflight %s: read %s: %w", s.Stack(), stacks.KeyLambdaArtifact, err)
	}
	rev, err := c.ObjectRevision(ctx, bucket, key)
	if err != nil {
		return want, fmt.Errorf("preflight %s: read %s: %w", s.Stack(), stacks.KeyLambdaArtifact, err)
	}
	want.Lambda.Revision, want.Lambda.CodeSha256 = rev, codeSha256(zip)
	return want, nil
}

// s3Artifact splits s3://bucket/key.
func s3Artifact(artifact string) (bucket, key string, ok bool) {
	rest, ok := strings.CutPrefix(artifact, "s3://")
	if !ok {
		return "", "", false
	}
	bucket, key, _ = strings.Cut(rest, "/")
	return bucket, key, bucket != "" && key != ""
}
