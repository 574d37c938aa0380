package ecr

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
)

// ImagesDir holds image layers (the pushed programs) by sha256, apart from
// account.json: they are megabytes each.
const ImagesDir = "images"

// Media types of what the registry stores. A pushed program is a single
// OCI artifact layer, not a tarred filesystem, and its config is OCI's
// empty descriptor, so the manifest says exactly what is stored.
// https://github.com/opencontainers/image-spec/blob/main/manifest.md
const (
	manifestMediaType = "application/vnd.oci.image.manifest.v1+json"
	indexMediaType    = "application/vnd.oci.image.index.v1+json"
	configMediaType   = "application/vnd.oci.image.config.v1+json"
	programMediaType  = "application/octet-stream"
	emptyMediaType    = "application/vnd.oci.empty.v1+json"
	emptyDigest       = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a" // of "{}"
)

// PushedImage is what a push stored.
type PushedImage struct {
	Repository string `json:"repository"`
	Tag        string `json:"tag"`
	Digest     string `json:"digest"`
}

// ErrorCode returns the AWS error code (such as
// "ImageTagAlreadyExistsException") err carries, or "".
func ErrorCode(err error) string {
	var e *core.APIError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func LayerPath(a *core.Account, sum string) string { return filepath.Join(a.Dir(), ImagesDir, sum) }

// PushImage stores program as image tag in repository, as `docker push`
// does: the repository must exist, and in an IMMUTABLE repository a tag
// that is already there cannot be pushed again (ImageTagAlreadyExistsException).
// In a MUTABLE one the tag moves to the new image; the old image stays,
// untagged if that was its last tag.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push.html
//
// With a platform (linux/arm64) the image is what `docker buildx build
// --platform` pushes: an image index whose one entry names the platform,
// over a manifest whose config says the architecture, so ECS (and
// kirikae's preflight) can tell which platforms it runs on.
// https://github.com/opencontainers/image-spec/blob/main/image-index.md
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-push-multi-architecture-image.html
func PushImage(a *core.Account, repository, tag, platform string, program []byte) (PushedImage, error) {
	sum := sha256.Sum256(program)
	layer := hex.EncodeToString(sum[:])
	config := map[string]any{"mediaType": emptyMediaType, "digest": emptyDigest, "size": 2}
	var goos, goarch string
	if platform != "" {
		var ok bool
		if goos, goarch, ok = strings.Cut(platform, "/"); !ok || goos == "" || goarch == "" {
			return PushedImage{}, core.BadRequest("InvalidParameterException", fmt.Sprintf("platform %q is not os/architecture", platform))
		}
		blob, _ := json.Marshal(map[string]any{"architecture": goarch, "os": goos,
			"rootfs": map[string]any{"type": "layers", "diff_ids": []string{"sha256:" + layer}}})
		bsum := sha256.Sum256(blob)
		config = map[string]any{"mediaType": configMediaType, "digest": "sha256:" + hex.EncodeToString(bsum[:]), "size": len(blob)}
	}
	manifest, err := json.Marshal(map[string]any{
		"schemaVersion": 2, "mediaType": manifestMediaType, "config": config,
		"layers": []any{map[string]any{"mediaType": programMediaType, "digest": "sha256:" + layer, "size": len(program)}},
	})
	if err != nil {
		return PushedImage{}, fmt.Errorf("push image %s:%s: %w", repository, tag, err)
	}
	if platform != "" {
		msum := sha256.Sum256(manifest)
		manifest, err = json.Marshal(map[string]any{
			"schemaVersion": 2, "mediaType": indexMediaType,
			"manifests": []any{map[string]any{"mediaType": manifestMediaType, "digest": "sha256:" + hex.EncodeToString(msum[:]),
				"size": len(manifest), "platform": map[string]any{"architecture": goarch, "os": goos}}},
		})
		if err != nil {
			return PushedImage{}, fmt.Errorf("push image %s:%s: %w", repository, tag, err)
		}
	}
	msum := sha256.Sum256(manifest)
	digest := "sha256:" + hex.EncodeToString(msum[:])
	err = a.Update(func(st *core.State) error {
		repo, err := Repository(st, repository)
		if err != nil {
			return err
		}
		images := st.Images[repository]
		holder := slices.IndexFunc(images, func(im *core.Image) bool { return slices.Contains(im.Tags, tag) })
		if holder >= 0 && core.StrOf(repo, "imageTagMutability") == "IMMUTABLE" {
			return core.BadRequest("ImageTagAlreadyExistsException", fmt.Sprintf(
				"The image tag '%s' already exists in the '%s' repository and cannot be overwritten because the repository is immutable.",
				tag, repository))
		}
		if holder >= 0 && images[holder].Digest == digest {
			return nil // the same image under the same tag: nothing to do
		}
		// The layer is written under the lock, as S3 bodies are, so a
		// concurrent push never sees an image without its program.
		if err := os.MkdirAll(filepath.Join(a.Dir(), ImagesDir), 0o700); err != nil {
			return fmt.Errorf("create image store: %w", err)
		}
		if err := core.WriteFileAtomic(LayerPath(a, layer), program); err != nil {
			return err
		}
		if holder >= 0 {
			images[holder].Tags = slices.DeleteFunc(images[holder].Tags, func(t string) bool { return t == tag })
		}
		if i := slices.IndexFunc(images, func(im *core.Image) bool { return im.Digest == digest }); i >= 0 {
			images[i].Tags = append(images[i].Tags, tag)
		} else {
			images = append(images, &core.Image{Digest: digest, Tags: []string{tag}, PushedAt: core.Now(),
				Size: int64(len(program)), Manifest: string(manifest), Layer: layer, Platform: platform})
		}
		st.Images[repository] = images
		collectLayers(a, st)
		return nil
	})
	if err != nil {
		return PushedImage{}, fmt.Errorf("push image %s:%s: %w", repository, tag, err)
	}
	return PushedImage{Repository: repository, Tag: tag, Digest: digest}, nil
}

// Repository returns the outputs of the ECR repository named name.
func Repository(st *core.State, name string) (map[string]any, error) {
	for _, r := range core.NewIndex(st)[core.TokRepository] {
		if core.StrOf(r, "name") == name {
			return r, nil
		}
	}
	return nil, repositoryNotFound(st, name)
}

// FindImage returns the image id names by tag or digest, or nil.
func FindImage(st *core.State, repository string, id ImageID) *core.Image {
	for _, im := range st.Images[repository] {
		if id.ImageDigest != "" && im.Digest != id.ImageDigest {
			continue
		}
		if id.ImageTag != "" && !slices.Contains(im.Tags, id.ImageTag) {
			continue
		}
		if id.ImageDigest != "" || id.ImageTag != "" {
			return im
		}
	}
	return nil
}

// HasRepository reports whether the account holds the ECR repository name,
// so a push can fail before building anything.
func HasRepository(a *core.Account, name string) (bool, error) {
	var ok bool
	err := a.View(func(st *core.State) error {
		_, err := Repository(st, name)
		ok = err == nil
		return nil
	})
	return ok, err
}

// collectLayers removes stored programs no image refers to any more (a
// deleted repository). The caller holds the exclusive
// lock; a failed removal only leaves garbage behind.
func collectLayers(a *core.Account, st *core.State) {
	used := map[string]bool{}
	for _, images := range st.Images {
		for _, im := range images {
			used[im.Layer] = true
		}
	}
	entries, _ := os.ReadDir(filepath.Join(a.Dir(), ImagesDir))
	for _, e := range entries {
		if !used[e.Name()] && !strings.HasSuffix(e.Name(), ".tmp") {
			_ = os.Remove(LayerPath(a, e.Name()))
		}
	}
}
