package cloud

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeECR answers BatchGetImage with manifest and GetDownloadUrlForLayer
// with a URL that serves config, as ECR hands out a layer's download URL.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetImage.html
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetDownloadUrlForLayer.html
func fakeECR(t *testing.T, manifest, config string) Cloud {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/blob" {
			_, _ = w.Write([]byte(config))
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		switch op := r.Header.Get("X-Amz-Target"); {
		case strings.HasSuffix(op, ".BatchGetImage"):
			_ = json.NewEncoder(w).Encode(map[string]any{"images": []any{map[string]any{
				"imageManifest": manifest, "imageId": map[string]any{"imageTag": "v1"}}}, "failures": []any{}})
		case strings.HasSuffix(op, ".GetDownloadUrlForLayer"):
			_ = json.NewEncoder(w).Encode(map[string]any{"downloadUrl": srv.URL + "/blob", "layerDigest": "sha256:c"})
		default:
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	t.Cleanup(srv.Close)
	return NewAt(Endpoint{URL: srv.URL, Region: "us-east-1", AccessKeyID: "k", SecretAccessKey: "s"})
}

func TestImagePlatformsReadsAnIndexOrAConfig(t *testing.T) {
	ctx := context.Background()
	ref := ImageRef{Repository: "api", Tag: "v1"}

	// docker buildx with one platform and provenance off: a manifest whose
	// config blob names the platform.
	single := `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",` +
		`"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:c","size":40},"layers":[]}`
	got, err := fakeECR(t, single, `{"architecture":"amd64","os":"linux"}`).ImagePlatforms(ctx, ref)
	require.NoError(t, err)
	assert.Equal(t, []string{"linux/amd64"}, got)

	// An index: its entries name their platforms; attestations do not count.
	index := `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[` +
		`{"digest":"sha256:a","platform":{"architecture":"arm64","os":"linux"}},` +
		`{"digest":"sha256:b","platform":{"architecture":"amd64","os":"linux"}},` +
		`{"digest":"sha256:d","platform":{"architecture":"unknown","os":"unknown"}}]}`
	got, err = fakeECR(t, index, "").ImagePlatforms(ctx, ref)
	require.NoError(t, err)
	assert.Equal(t, []string{"linux/arm64", "linux/amd64"}, got)

	// An artifact with OCI's empty config says nothing.
	empty := `{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:e","size":2},"layers":[]}`
	got, err = fakeECR(t, empty, "").ImagePlatforms(ctx, ref)
	require.NoError(t, err)
	assert.Empty(t, got)
}
