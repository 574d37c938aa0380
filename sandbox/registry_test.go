package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecr"
)

// ecrCall runs one ECR operation against the account's state.
func ecrCall(t *testing.T, a *core.Account, op func(*core.State, []byte) (any, error), req map[string]any) (map[string]any, error) {
	t.Helper()
	in, err := json.Marshal(req)
	require.NoError(t, err)
	var out any
	err = a.View(func(st *core.State) error {
		var err error
		out, err = op(st, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(out)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	return m, nil
}

func repoWith(h *harness, name, mutability string) *live {
	return h.create(core.TokRepository, name, pmap(map[string]any{"name": name, "imageTagMutability": mutability}))
}

func TestPushImageStoresManifestAndProgram(t *testing.T) {
	h := newHarness(t)
	repoWith(h, "api", "IMMUTABLE")
	program := []byte("#!program v1")
	got, err := ecr.PushImage(h.acct, "api", "v1", "", program)
	require.NoError(t, err)
	assert.Equal(t, ecr.PushedImage{Repository: "api", Tag: "v1", Digest: got.Digest}, got)

	out, err := ecrCall(t, h.acct, ecr.DescribeImages, map[string]any{"repositoryName": "api"})
	require.NoError(t, err)
	details := out["imageDetails"].([]any)
	require.Len(t, details, 1)
	d := details[0].(map[string]any)
	assert.Equal(t, got.Digest, d["imageDigest"])
	assert.Equal(t, []any{"v1"}, d["imageTags"])
	assert.EqualValues(t, len(program), d["imageSizeInBytes"])
	assert.NotZero(t, d["imagePushedAt"])

	// The digest is the manifest's, and the manifest names the stored
	// program by its own sha256, as ECR's content addressing does.
	out, err = ecrCall(t, h.acct, ecr.BatchGetImage, map[string]any{"repositoryName": "api",
		"imageIds": []any{map[string]any{"imageTag": "v1"}, map[string]any{"imageTag": "v9"}}})
	require.NoError(t, err)
	images := out["images"].([]any)
	require.Len(t, images, 1)
	img := images[0].(map[string]any)
	manifest := img["imageManifest"].(string)
	msum := sha256.Sum256([]byte(manifest))
	assert.Equal(t, "sha256:"+hex.EncodeToString(msum[:]), got.Digest)
	assert.Equal(t, map[string]any{"imageTag": "v1", "imageDigest": got.Digest}, img["imageId"])
	var m struct {
		Layers []struct {
			Digest string `json:"digest"`
			Size   int    `json:"size"`
		} `json:"layers"`
	}
	require.NoError(t, json.Unmarshal([]byte(manifest), &m))
	require.Len(t, m.Layers, 1)
	psum := sha256.Sum256(program)
	assert.Equal(t, "sha256:"+hex.EncodeToString(psum[:]), m.Layers[0].Digest)
	stored, err := os.ReadFile(filepath.Join(h.acct.Dir(), ecr.ImagesDir, hex.EncodeToString(psum[:])))
	require.NoError(t, err)
	assert.Equal(t, program, stored)
	assert.Equal(t, []any{map[string]any{"imageId": map[string]any{"imageTag": "v9"},
		"failureCode": "ImageNotFound", "failureReason": "Requested image not found"}}, out["failures"])

	raw, err := os.ReadFile(filepath.Join(h.acct.Dir(), core.AccountFile))
	require.NoError(t, err)
	assert.NotContains(t, string(raw), string(program), "the program stays out of account.json")
}

func TestPushImageTagImmutable(t *testing.T) {
	h := newHarness(t)
	repoWith(h, "api", "IMMUTABLE")
	first, err := ecr.PushImage(h.acct, "api", "v1", "", []byte("one"))
	require.NoError(t, err)
	for _, body := range []string{"one", "two"} { // same or other content: the tag is taken
		_, err = ecr.PushImage(h.acct, "api", "v1", "", []byte(body))
		require.Error(t, err)
		assert.Equal(t, "ImageTagAlreadyExistsException", ecr.ErrorCode(err))
	}
	out, err := ecrCall(t, h.acct, ecr.DescribeImages, map[string]any{"repositoryName": "api",
		"imageIds": []any{map[string]any{"imageTag": "v1"}}})
	require.NoError(t, err)
	assert.Equal(t, first.Digest, out["imageDetails"].([]any)[0].(map[string]any)["imageDigest"])
}

func TestPushImageTagMovesInMutableRepository(t *testing.T) {
	h := newHarness(t)
	repoWith(h, "api", "MUTABLE")
	first, err := ecr.PushImage(h.acct, "api", "latest", "", []byte("one"))
	require.NoError(t, err)
	second, err := ecr.PushImage(h.acct, "api", "latest", "", []byte("two"))
	require.NoError(t, err)
	assert.NotEqual(t, first.Digest, second.Digest)
	out, err := ecrCall(t, h.acct, ecr.DescribeImages, map[string]any{"repositoryName": "api"})
	require.NoError(t, err)
	details := out["imageDetails"].([]any)
	require.Len(t, details, 2, "the old image stays, untagged")
	byDigest := map[any]map[string]any{}
	for _, d := range details {
		byDigest[d.(map[string]any)["imageDigest"]] = d.(map[string]any)
	}
	assert.NotContains(t, byDigest[first.Digest], "imageTags")
	assert.Equal(t, []any{"latest"}, byDigest[second.Digest]["imageTags"])
}

func TestPushImageNeedsTheRepository(t *testing.T) {
	h := newHarness(t)
	_, err := ecr.PushImage(h.acct, "api", "v1", "", []byte("one"))
	require.Error(t, err)
	assert.Equal(t, "RepositoryNotFoundException", ecr.ErrorCode(err))
	_, err = os.Stat(filepath.Join(h.acct.Dir(), ecr.ImagesDir))
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing stored")
}

func TestDescribeImagesMissingTagIsNotFound(t *testing.T) {
	h := newHarness(t)
	repoWith(h, "api", "IMMUTABLE")
	_, err := ecrCall(t, h.acct, ecr.DescribeImages, map[string]any{"repositoryName": "api",
		"imageIds": []any{map[string]any{"imageTag": "v1"}}})
	assert.Equal(t, "ImageNotFoundException", ecr.ErrorCode(err))
}

func TestDeletedRepositoryComesBackEmpty(t *testing.T) {
	h := newHarness(t)
	repo := h.create(core.TokRepository, "api", pmap(map[string]any{"name": "api", "imageTagMutability": "IMMUTABLE", "forceDelete": true}))
	_, err := ecr.PushImage(h.acct, "api", "v1", "", []byte("one"))
	require.NoError(t, err)
	h.delete(repo) // forceDelete: images and all
	repoWith(h, "api", "IMMUTABLE")
	out, err := ecrCall(t, h.acct, ecr.DescribeImages, map[string]any{"repositoryName": "api"})
	require.NoError(t, err)
	assert.Empty(t, out["imageDetails"])
	_, err = ecr.PushImage(h.acct, "api", "v1", "", []byte("two"))
	require.NoError(t, err, "a new repository does not hold the old tags")
	entries, err := os.ReadDir(filepath.Join(h.acct.Dir(), ecr.ImagesDir))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "the deleted repository's program is collected")
}
