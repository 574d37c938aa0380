package sandbox

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/iam"
)

// A role's request through the endpoint is authorised against the role's
// policy as AWS evaluates it: allowed reads pass, a write the policy does
// not grant is S3's AccessDenied naming the assumed role, the action and the
// object, and nothing is written; the sandbox's own key stays the
// administrator. Switching enforcement off makes the refused writes pass,
// which this test catches.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestEndpointAuthorisesARolesS3Requests(t *testing.T) {
	h := newHarness(t)
	h.create(bucketType, "state", pmap(map[string]any{"bucket": "state"}))
	policy, err := iam.Parse([]byte(`{"Version": "2012-10-17", "Statement": [
		{"Sid": "StateRead", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
		 "Resource": ["arn:aws:s3:::state", "arn:aws:s3:::state/.pulumi/*", "arn:aws:s3:::state/.kirikae/*"]}]}`))
	require.NoError(t, err)
	var dir iam.Directory
	role := &iam.Role{Name: "kirikae-preview", Account: h.acct.ID(), Policies: []iam.Document{policy}}
	require.NoError(t, dir.Bind("AKIAPREVIEWROLE00000", "preview-secret", "kirikae", role))
	srv := httptest.NewServer(APIHandlerWith(h.acct, &dir))
	t.Cleanup(srv.Close)
	client := func(key, secret string) *s3.Client {
		return s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
			Credentials: credentials.NewStaticCredentialsProvider(key, secret, "")})
	}
	ctx := context.Background()
	admin, preview := client(core.AccessKeyID, core.SecretAccessKey), client("AKIAPREVIEWROLE00000", "preview-secret")

	_, err = admin.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("state"), Key: aws.String(".pulumi/stacks/kirikae/staging.json"),
		Body: strings.NewReader("{}")})
	require.NoError(t, err, "the sandbox's own key is the administrator")

	_, err = preview.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("state"), Key: aws.String(".pulumi/stacks/kirikae/staging.json")})
	require.NoError(t, err, "the role may read the state")
	_, err = preview.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("state")})
	require.NoError(t, err)

	_, err = preview.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("state"), Key: aws.String(".kirikae/locks/kirikae/staging.json"),
		Body: strings.NewReader("me")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "api error AccessDenied: User: arn:aws:sts::"+h.acct.ID()+":assumed-role/kirikae-preview/kirikae "+
		"is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::state/.kirikae/locks/kirikae/staging.json "+
		"because no identity-based policy allows the s3:PutObject action")
	_, err = preview.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("state"), Delete: &s3types.Delete{
		Objects: []s3types.ObjectIdentifier{{Key: aws.String(".pulumi/stacks/kirikae/staging.json")}}}})
	assert.ErrorContains(t, err, "s3:DeleteObject on resource: arn:aws:s3:::state/.pulumi/stacks/kirikae/staging.json")

	_, err = admin.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("state"), Key: aws.String(".kirikae/locks/kirikae/staging.json")})
	assert.Error(t, err, "the refused write wrote nothing")
	_, err = admin.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("state"), Key: aws.String(".pulumi/stacks/kirikae/staging.json")})
	assert.NoError(t, err, "the refused delete deleted nothing")

	_, err = client("AKIAPREVIEWROLE00000", "wrong-secret").GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("state"), Key: aws.String(".pulumi/stacks/kirikae/staging.json")})
	assert.ErrorContains(t, err, "SignatureDoesNotMatch", "a role's key needs its own secret")
}

// S3 requests name the actions of the Service Authorization Reference.
func TestS3RequestActions(t *testing.T) {
	for _, c := range []struct{ method, target, header, action, resource string }{
		{"GET", "/b/k/x.json", "", "s3:GetObject", "arn:aws:s3:::b/k/x.json"},
		{"HEAD", "/b/k", "", "s3:GetObject", "arn:aws:s3:::b/k"},
		{"PUT", "/b/k", "", "s3:PutObject", "arn:aws:s3:::b/k"},
		{"DELETE", "/b/k?versionId=3", "", "s3:DeleteObjectVersion", "arn:aws:s3:::b/k"},
		{"GET", "/b?list-type=2&prefix=releases/", "", "s3:ListBucket", "arn:aws:s3:::b"},
		{"GET", "/b?versions", "", "s3:ListBucketVersions", "arn:aws:s3:::b"},
		{"PUT", "/b?policy", "", "s3:PutBucketPolicy", "arn:aws:s3:::b"},
		{"PUT", "/b/releases/r2/a.js", "/src/releases/r1/a.js", "s3:PutObject", "arn:aws:s3:::b/releases/r2/a.js"},
	} {
		r := httptest.NewRequest(c.method, c.target, nil)
		if c.header != "" {
			r.Header.Set("X-Amz-Copy-Source", c.header)
		}
		got := s3Requests(r, nil)
		require.NotEmpty(t, got, c)
		assert.Equal(t, iam.Request{Action: c.action, Resource: c.resource}, got[0], c)
		if c.header != "" {
			require.Len(t, got, 2)
			assert.Equal(t, iam.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::src/releases/r1/a.js"}, got[1], "a copy reads its source")
		}
	}
}
