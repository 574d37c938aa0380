package deploy_test

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/access"
	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/sandbox"
	"github.com/kirikae/kirikae/stacks"
)

// A Lambda stack deploying s3:// artifacts from the bucket its stack file
// names (kirikae:lambdaArtifactBucket): deploy:staging's generated policy
// deploys one (kirikae reads the object when it plans, Lambda fetches it
// with the role's credentials); a release naming another bucket is
// refused as bad input; without the policy's LambdaArtifact statement the
// next release is refused reading its object.
func TestAnS3LambdaArtifactIsReadUnderTheDeployRole(t *testing.T) {
	dir, build := lambdaProject(t)
	const bucket = "team-artifacts"
	addStackValue(t, dir, "staging", stacks.KeyLambdaArtifactBucket, bucket)
	build("v1")
	// The first deploy, as the administrator, also creates the team's
	// artifact bucket (the sandbox creates buckets only through a
	// program).
	_, err := deployWith(withArtifactBucket(t, dir, bucket), nil)
	require.NoError(t, err)
	put := putter(t, dir, bucket)
	v2 := build("v2")
	put("api/v2.zip", v2)

	createRoles(t, dir, "deploy:staging")
	t.Setenv(deploy.SandboxRoleEnv, "deploy:staging")
	res, err := deployUnverified(withArtifactBucket(t, dir, bucket), map[string]string{stacks.KeyLambdaArtifact: "s3://" + bucket + "/api/v2.zip"})
	require.NoError(t, err, "deploy:staging's policy deploys an s3:// artifact from its bucket")
	sum := md5.Sum(v2)
	assert.Equal(t, fmt.Sprintf("%q", hex.EncodeToString(sum[:])), res.Release.Values.Lambda.Revision, "the release pins the object it read (its ETag)")
	sha := sha256.Sum256(v2)
	assert.Equal(t, base64.StdEncoding.EncodeToString(sha[:]), res.Release.LambdaCodeSha256)

	_, err = deployWith(withArtifactBucket(t, dir, bucket), map[string]string{stacks.KeyLambdaArtifact: "s3://elsewhere/api/v2.zip"})
	var bad *stacks.ValidationError
	require.True(t, errors.As(err, &bad), "want a bad-input refusal, got %v", err)
	assert.Contains(t, err.Error(), "is in bucket elsewhere, not "+bucket)

	put("api/v3.zip", build("v3"))
	r, err := access.ParseRole("deploy:staging")
	require.NoError(t, err)
	policies, err := deploy.SandboxRolePolicies(dir, r)
	require.NoError(t, err)
	for name, doc := range policies {
		require.NoError(t, account(t, dir).PutRolePolicy(deploy.SandboxRoleName(r), name, without(t, doc, "LambdaArtifact")))
	}
	_, err = deployUnverified(withArtifactBucket(t, dir, bucket), map[string]string{stacks.KeyLambdaArtifact: "s3://" + bucket + "/api/v3.zip"})
	denied := deploy.AsAccessDenied(err)
	require.NotNil(t, denied, "want AccessDenied, got %v", err)
	assert.Equal(t, "kirikae-deploy-staging", denied.Role)
	assert.Equal(t, "s3:GetObject", denied.Action)
	assert.Equal(t, "arn:aws:s3:::"+bucket+"/api/v3.zip", denied.Resource)
	t.Log(denied)
}

// deployUnverified deploys without verifying the release: the sandbox
// keeps no runnable package of a version whose code came from S3
// (sandbox/workload stores archives only), so invoking it fails.
func deployUnverified(s *deploy.Session, overrides map[string]string) (*deploy.DeployResult, error) {
	p, err := s.PlanDeploy(context.Background(), deploy.DeployRequest{Overrides: overrides})
	if err != nil {
		return nil, err
	}
	return s.Deploy(context.Background(), p, deploy.DeployOptions{SkipVerify: true})
}

// withArtifactBucket opens the staging stack with the team's artifact
// bucket among its own resources (infra.Yours), so every session keeps it.
func withArtifactBucket(t *testing.T, dir, bucket string) *deploy.Session {
	t.Helper()
	s := openSandbox(t, dir, "staging", nil)
	s.SetYours(func(ctx *pulumi.Context, _ infra.YoursInput) error {
		_, err := s3.NewBucketV2(ctx, "artifacts", &s3.BucketV2Args{Bucket: pulumi.String(bucket)})
		return err
	})
	return s
}

// putter puts objects into bucket as the sandbox account's administrator,
// as the build job uploads an artifact.
func putter(t *testing.T, dir, bucket string) func(key string, body []byte) {
	t.Helper()
	ep, err := sandbox.Serve(t.Context(), account(t, dir))
	require.NoError(t, err)
	t.Cleanup(func() { _ = ep.Close() })
	c := cloud.NewAt(cloud.Endpoint{URL: ep.URL, Region: testproject.Stack(t, dir, "staging").Region,
		AccessKeyID: sandbox.AccessKeyID, SecretAccessKey: sandbox.SecretAccessKey})
	return func(key string, body []byte) {
		t.Helper()
		require.NoError(t, c.PutObject(context.Background(), bucket, key, body, "application/zip"))
	}
}

// addStackValue sets a key the stack file does not have yet.
func addStackValue(t *testing.T, dir, stack, key, value string) {
	t.Helper()
	p := filepath.Join(dir, "Pulumi."+stack+".yaml")
	raw, err := os.ReadFile(p)
	require.NoError(t, err)
	require.NotContains(t, string(raw), key+":")
	out := strings.Replace(string(raw), "config:\n", "config:\n  "+key+": "+value+"\n", 1)
	require.NoError(t, os.WriteFile(p, []byte(out), 0o644))
}
