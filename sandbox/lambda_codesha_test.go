package sandbox

import (
	"crypto/sha256"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
)

// Lambda's CodeSha256 is the base64 SHA-256 of the deployment package:
// each published version keeps its package's, GetFunction with a
// Qualifier (a version or an alias) reports that version's, and a
// configuration-only change publishes a version with the same one.
// https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html
// https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html
func TestLambdaCodeSha256IsThePackagesHash(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	r1, r2 := filepath.Join(dir, "r1.zip"), filepath.Join(dir, "r2.zip")
	buildLambda(t, "r1", r1)
	buildLambda(t, "r2", r2)
	sha := func(path string) string {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		sum := sha256.Sum256(data)
		return base64.StdEncoding.EncodeToString(sum[:])
	}
	fn := h.create(core.FunctionType, "fn", appFunction(t, r1))
	fn = h.update(fn, appFunction(t, r2), false)
	require.Equal(t, "2", core.Str(fn.outs, "version"))
	in := appFunction(t, r2)
	in["memorySize"] = pmap(map[string]any{"m": 256})["m"]
	fn = h.update(fn, in, false)
	require.Equal(t, "3", core.Str(fn.outs, "version"), "a configuration change publishes")
	h.create(aliasType, "live", pmap(map[string]any{"name": "live", "functionName": "api", "functionVersion": "1"}))

	c := h.cloud()
	for version, zip := range map[string]string{"1": r1, "2": r2, "3": r2, "live": r1, "$LATEST": r2} {
		got, err := c.FunctionCodeSha256(t.Context(), "api", version)
		require.NoError(t, err, version)
		assert.Equal(t, sha(zip), got, "version %s", version)
	}
	_, err := c.FunctionCodeSha256(t.Context(), "api", "9")
	assert.ErrorContains(t, err, "ResourceNotFoundException")
}

// Code in S3 is the object Lambda fetches: its CodeSha256 is that
// object's SHA-256, base64-encoded.
func TestLambdaCodeSha256OfS3CodeIsTheObjectsHash(t *testing.T) {
	h := newHarness(t)
	zip := filepath.Join(t.TempDir(), "fn.zip")
	buildLambda(t, "r1", zip)
	data, err := os.ReadFile(zip)
	require.NoError(t, err)
	h.create(bucketType, "artifacts", pmap(map[string]any{"bucket": "artifacts"}))
	require.NoError(t, h.cloud().PutObject(t.Context(), "artifacts", "api/fn.zip", data, ""))
	in := appFunction(t, zip)
	delete(in, "code")
	for k, v := range pmap(map[string]any{"s3Bucket": "artifacts", "s3Key": "api/fn.zip"}) {
		in[k] = v
	}
	h.create(core.FunctionType, "fn", in)
	got, err := h.cloud().FunctionCodeSha256(t.Context(), "api", "1")
	require.NoError(t, err)
	sum := sha256.Sum256(data)
	assert.Equal(t, base64.StdEncoding.EncodeToString(sum[:]), got)
}
