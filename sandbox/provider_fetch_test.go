package sandbox

import (
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
	providersvc "github.com/kirikae/kirikae/sandbox/provider"
)

// Lambda fetches a function's code from S3 with its caller's credentials:
// a role's CreateFunction or UpdateFunctionCode naming S3Bucket and S3Key
// is refused with Lambda's AccessDeniedException unless the role may
// s3:GetObject the object (s3:GetObjectVersion for an S3ObjectVersion); a
// configuration change fetches nothing.
// https://docs.aws.amazon.com/lambda/latest/api/API_FunctionCode.html
// https://docs.aws.amazon.com/lambda/latest/dg/permissions-user-function.html
func TestLambdaFetchesS3CodeWithTheCallersCredentials(t *testing.T) {
	h := newHarness(t)
	h.create(bucketType, "artifacts", pmap(map[string]any{"bucket": "artifacts"}))
	for _, key := range []string{"api/a.zip", "api/b.zip"} {
		require.NoError(t, h.cloud().PutObject(t.Context(), "artifacts", key, []byte("zip "+key), ""))
	}
	a := &Account{h.acct}
	policy := func(objects string) string {
		return `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["lambda:CreateFunction","lambda:PublishVersion","lambda:UpdateFunctionCode","lambda:UpdateFunctionConfiguration"],
		 "Resource":"arn:aws:lambda:us-east-1:${aws:PrincipalAccount}:function:api"},
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + objects + `"}]}`
	}
	require.NoError(t, a.CreateRole("kirikae-deploy-staging", map[string]string{"kirikae-staging": policy("artifacts/api/a.zip")}))
	s, err := a.AssumeRole("kirikae-deploy-staging", "kirikae")
	require.NoError(t, err)
	h.p.SetCredentials(providersvc.Credentials{AccessKeyID: s.AccessKeyID, SessionToken: s.SessionToken})
	fn := func(key string, extra map[string]any) map[string]any {
		in := map[string]any{"name": "api", "role": roleArnInput, "publish": true, "runtime": "provided.al2023",
			"handler": "bootstrap", "timeout": 10, "s3Bucket": "artifacts", "s3Key": key}
		for k, v := range extra {
			in[k] = v
		}
		return in
	}
	denied := func(key string) string {
		return "api error AccessDeniedException: Your access has been denied by S3, please make sure your request credentials have permission to GetObject for artifacts/" + key
	}

	_, err = h.tryCreate(core.FunctionType, "fn", pmap(fn("api/b.zip", nil)))
	assert.ErrorContains(t, err, denied("api/b.zip"))
	assert.Empty(t, h.resources(core.FunctionType), "the refused create created nothing")

	f := h.create(core.FunctionType, "fn", pmap(fn("api/a.zip", nil)))
	update := func(in map[string]any) error {
		chk := h.check(f.typ, f.name, f.inputs, pmap(in))
		require.Empty(t, chk.Failures)
		_, err := h.p.Update(h.ctx, &pulumirpc.UpdateRequest{Id: f.id, Urn: urn(f.typ, f.name), Type: f.typ,
			Olds: wire(t, f.outs), News: chk.Inputs, OldInputs: wire(t, f.inputs)})
		return err
	}
	assert.ErrorContains(t, update(fn("api/b.zip", nil)), denied("api/b.zip"), "new code from an object the role may not read")
	assert.ErrorContains(t, update(fn("api/a.zip", map[string]any{"s3ObjectVersion": "v2"})), denied("api/a.zip"),
		"a version is read with s3:GetObjectVersion")

	require.NoError(t, a.PutRolePolicy("kirikae-deploy-staging", "kirikae-staging", policy("elsewhere/*")))
	assert.NoError(t, update(fn("api/a.zip", map[string]any{"timeout": 20})), "a configuration change fetches nothing")
}
