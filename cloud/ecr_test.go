package cloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func ecrError(code, msg string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":%q,"message":%q}`, code, msg)
	}
}

const digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestImageDigestResolvesATag(t *testing.T) {
	c, got := fakeAWS(t, jsonReply(`{"imageDetails":[{"imageDigest":"`+digest+`","imageTags":["v2"]}]}`))
	d, err := c.ImageDigest(context.Background(), ImageRef{RegistryID: "111122223333", Repository: "kirikae-api", Tag: "v2"})
	require.NoError(t, err)
	assert.Equal(t, digest, d)
	require.Len(t, *got, 1)
	assert.Equal(t, "AmazonEC2ContainerRegistry_V20150921.DescribeImages", (*got)[0].target)
	assert.JSONEq(t, `{"repositoryName":"kirikae-api","registryId":"111122223333","imageIds":[{"imageTag":"v2"}]}`, (*got)[0].body)
}

func TestImageDigestMissingImageOrRepository(t *testing.T) {
	c, _ := fakeAWS(t,
		ecrError("ImageNotFoundException", "The image with imageId {imageDigest:'null', imageTag:'v9'} does not exist"),
		ecrError("RepositoryNotFoundException", "The repository with name 'nope' does not exist"),
		ecrError("AccessDeniedException", "no"))
	_, err := c.ImageDigest(context.Background(), ImageRef{Repository: "kirikae-api", Tag: "v9"})
	var nf *ImageNotFoundError
	require.ErrorAs(t, err, &nf)
	assert.False(t, nf.NoRepository)
	assert.ErrorIs(t, err, ErrImageNotFound)
	assert.Equal(t, "image kirikae-api:v9 is not in ECR", err.Error())

	_, err = c.ImageDigest(context.Background(), ImageRef{Repository: "nope", Tag: "v1"})
	require.ErrorAs(t, err, &nf)
	assert.True(t, nf.NoRepository)

	_, err = c.ImageDigest(context.Background(), ImageRef{Repository: "kirikae-api", Tag: "v1"})
	require.Error(t, err)
	assert.False(t, errors.Is(err, ErrImageNotFound), "another failure is not a missing image")
}

func TestHasImages(t *testing.T) {
	c, _ := fakeAWS(t, jsonReply(`{"imageDetails":[]}`), ecrError("RepositoryNotFoundException", "x"),
		jsonReply(`{"imageDetails":[{"imageDigest":"`+digest+`"}]}`))
	for _, want := range []bool{false, false, true} {
		ok, err := c.HasImages(context.Background(), "", "kirikae-api")
		require.NoError(t, err)
		assert.Equal(t, want, ok)
	}
}
