package cloud

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// Manifest media types a pull accepts, index first: a multi-platform
// image is an index whose entries name their platform; a single-platform
// one is a manifest whose config blob does.
// https://github.com/opencontainers/image-spec/blob/main/image-index.md
// https://github.com/opencontainers/image-spec/blob/main/config.md
var acceptedManifests = []string{
	"application/vnd.oci.image.index.v1+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.docker.distribution.manifest.v2+json",
}

// manifestDoc is the part of an image index or manifest that says which
// platforms the image runs on.
type manifestDoc struct {
	Manifests []struct {
		Platform *ociPlatform `json:"platform"`
	} `json:"manifests"`
	Config *struct {
		MediaType string `json:"mediaType"`
		Digest    string `json:"digest"`
	} `json:"config"`
}

type ociPlatform struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
}

// Image configs carry their platform; OCI's empty config ("{}") does not.
const (
	ociConfig    = "application/vnd.oci.image.config.v1+json"
	dockerConfig = "application/vnd.docker.container.image.v1+json"
)

// ImagePlatforms returns the platforms ("linux/arm64") the image ref can
// run on, read as a pull reads them: the manifest with BatchGetImage and,
// for a single-platform image, its config blob through
// GetDownloadUrlForLayer. An image whose manifest names no platform (an
// artifact with an empty config) returns none: nothing to compare.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetImage.html
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetDownloadUrlForLayer.html
func (a *AWS) ImagePlatforms(ctx context.Context, ref ImageRef) ([]string, error) {
	id := ecrtypes.ImageIdentifier{}
	if ref.Digest != "" {
		id.ImageDigest = aws.String(ref.Digest)
	} else {
		id.ImageTag = aws.String(ref.Tag)
	}
	in := &ecr.BatchGetImageInput{RepositoryName: aws.String(ref.Repository),
		ImageIds: []ecrtypes.ImageIdentifier{id}, AcceptedMediaTypes: acceptedManifests}
	if ref.RegistryID != "" {
		in.RegistryId = aws.String(ref.RegistryID)
	}
	out, err := a.ecr.BatchGetImage(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("read manifest of %s: %w", ref, err)
	}
	if len(out.Images) == 0 {
		return nil, &ImageNotFoundError{Ref: ref}
	}
	var doc manifestDoc
	if err := json.Unmarshal([]byte(aws.ToString(out.Images[0].ImageManifest)), &doc); err != nil {
		return nil, fmt.Errorf("read manifest of %s: %w", ref, err)
	}
	var platforms []string
	for _, m := range doc.Manifests {
		// Attestation manifests say unknown/unknown.
		if p := m.Platform; p != nil && p.OS != "unknown" && p.OS != "" {
			platforms = append(platforms, p.OS+"/"+p.Architecture)
		}
	}
	if len(doc.Manifests) > 0 || doc.Config == nil || (doc.Config.MediaType != ociConfig && doc.Config.MediaType != dockerConfig) {
		return platforms, nil
	}
	cfg, err := a.configBlob(ctx, ref, doc.Config.Digest)
	if err != nil {
		return nil, err
	}
	if cfg.OS == "" || cfg.Architecture == "" {
		return nil, nil
	}
	return []string{cfg.OS + "/" + cfg.Architecture}, nil
}

// configBlob downloads an image's config from the URL ECR hands out.
func (a *AWS) configBlob(ctx context.Context, ref ImageRef, digest string) (ociPlatform, error) {
	in := &ecr.GetDownloadUrlForLayerInput{RepositoryName: aws.String(ref.Repository), LayerDigest: aws.String(digest)}
	if ref.RegistryID != "" {
		in.RegistryId = aws.String(ref.RegistryID)
	}
	out, err := a.ecr.GetDownloadUrlForLayer(ctx, in)
	if err != nil {
		return ociPlatform{}, fmt.Errorf("read config of %s: %w", ref, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, aws.ToString(out.DownloadUrl), nil)
	if err != nil {
		return ociPlatform{}, fmt.Errorf("read config of %s: %w", ref, err)
	}
	client := a.http
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return ociPlatform{}, fmt.Errorf("read config of %s: %w", ref, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return ociPlatform{}, fmt.Errorf("read config of %s: download answered %s", ref, resp.Status)
	}
	var p ociPlatform
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&p); err != nil {
		return ociPlatform{}, fmt.Errorf("read config of %s: %w", ref, err)
	}
	return p, nil
}
