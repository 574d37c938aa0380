package access

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/iam"
	"github.com/kirikae/kirikae/stacks"
)

// A Lambda stack's deploy role reads the objects of the bucket
// kirikae:lambdaArtifactBucket names, and of no other: kirikae hashes an
// s3:// artifact when it plans, and Lambda fetches it with the caller's
// credentials. The key is the release's, so the grant is the bucket's
// objects; stacks refuses an artifact outside that bucket. Without the
// key (or on an ECS stack) there is no statement; the preview role never
// has it.
func TestTheArtifactBucketIsReadByTheDeployRoleOnly(t *testing.T) {
	s := loadScope(t, "staging")
	s.Config.Backend = stacks.BackendLambda
	s.Config.LambdaArtifactBucket = "team-artifacts"
	deploy := generate(t, "deploy:staging", s)
	for _, action := range []string{"s3:GetObject", "s3:GetObjectVersion"} {
		assert.Equal(t, iam.Allowed, evaluate(t, deploy, action, "arn:aws:s3:::team-artifacts/api/abc.zip"), action)
	}
	assert.Equal(t, iam.ImplicitDeny, evaluate(t, deploy, "s3:GetObject", "arn:aws:s3:::elsewhere/api/abc.zip"), "another bucket")
	assert.Equal(t, iam.ImplicitDeny, evaluate(t, deploy, "s3:PutObject", "arn:aws:s3:::team-artifacts/api/abc.zip"), "read only")
	assert.Equal(t, iam.ImplicitDeny, evaluate(t, generate(t, RolePreview, s), "s3:GetObject", "arn:aws:s3:::team-artifacts/api/abc.zip"), "preview")

	st := statement(deploy, "LambdaArtifact")
	require.NotNil(t, st)
	assert.Equal(t, []string{"arn:aws:s3:::team-artifacts/*"}, st.Resource)

	s.Config.LambdaArtifactBucket = ""
	assert.Nil(t, statement(generate(t, "deploy:staging", s), "LambdaArtifact"), "no bucket named: no statement")
	s.Config.LambdaArtifactBucket, s.Config.Backend = "team-artifacts", stacks.BackendECS
	assert.Nil(t, statement(generate(t, "deploy:staging", s), "LambdaArtifact"), "an ECS stack")
}

func generate(t *testing.T, role string, s Scope) Policy {
	t.Helper()
	r, err := ParseRole(role)
	require.NoError(t, err)
	p, err := Generate(r, s)
	require.NoError(t, err)
	return p
}

func statement(p Policy, sid string) *Statement {
	for i := range p.Statement {
		if p.Statement[i].Sid == sid {
			return &p.Statement[i]
		}
	}
	return nil
}
