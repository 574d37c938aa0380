package sandbox

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
)

// imagesDir holds image layers (the pushed programs) by sha256, apart from
// account.json: they are megabytes each.
const imagesDir = "images"

// Media types of what the registry stores. A pushed program is a single
// OCI artifact layer, not a tarred filesystem, and its config is OCI's
// empty descriptor, so the manifest says exactly what is stored.
// https://github.com/opencontainers/image-spec/blob/main/manifest.md
const (
	manifestMediaType = "application/vnd.oci.image.manifest.v1+json"
	programMediaType  = "application/octet-stream"
	emptyMediaType    = "application/vnd.oci.empty.v1+json"
	emptyDigest       = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a" // of "{}"
)

// image is one image in an ECR repository. As in ECR, its digest is the
// sha256 of its manifest, and the manifest names the layer by its own
// sha256, so the digest changes whenever the program does.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html
type image struct {
	Digest   string   `json:"digest"`
	Tags     []string `json:"tags"`
	PushedAt string   `json:"pushedAt"` // RFC 3339
	Size     int64    `json:"size"`
	Manifest string   `json:"manifest"`
	Layer    string   `json:"layer"` // hex sha256 of the file under images/
}

// PushedImage is what a push stored.
type PushedImage struct {
	Repository string `json:"repository"`
	Tag        string `json:"tag"`
	Digest     string `json:"digest"`
}

// ErrorCode returns the AWS error code (such as
// "ImageTagAlreadyExistsException") err carries, or "".
func ErrorCode(err error) string {
	var e *apiError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func (a *Account) layerPath(sum string) string { return filepath.Join(a.dir, imagesDir, sum) }

// PushImage stores program as image tag in repository, as `docker push`
// does: the repository must exist, and in an IMMUTABLE repository a tag
// that is already there cannot be pushed again (ImageTagAlreadyExistsException).
// In a MUTABLE one the tag moves to the new image; the old image stays,
// untagged if that was its last tag.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push.html
func (a *Account) PushImage(repository, tag string, program []byte) (PushedImage, error) {
	sum := sha256.Sum256(program)
	layer := hex.EncodeToString(sum[:])
	manifest, err := json.Marshal(map[string]any{
		"schemaVersion": 2, "mediaType": manifestMediaType,
		"config": map[string]any{"mediaType": emptyMediaType, "digest": emptyDigest, "size": 2},
		"layers": []any{map[string]any{"mediaType": programMediaType, "digest": "sha256:" + layer, "size": len(program)}},
	})
	if err != nil {
		return PushedImage{}, fmt.Errorf("push image %s:%s: %w", repository, tag, err)
	}
	msum := sha256.Sum256(manifest)
	digest := "sha256:" + hex.EncodeToString(msum[:])
	err = a.update(func(st *state) error {
		repo, err := st.repository(repository)
		if err != nil {
			return err
		}
		images := st.Images[repository]
		holder := slices.IndexFunc(images, func(im *image) bool { return slices.Contains(im.Tags, tag) })
		if holder >= 0 && strOf(repo, "imageTagMutability") == "IMMUTABLE" {
			return badRequest("ImageTagAlreadyExistsException", fmt.Sprintf(
				"The image tag '%s' already exists in the '%s' repository and cannot be overwritten because the repository is immutable.",
				tag, repository))
		}
		if holder >= 0 && images[holder].Digest == digest {
			return nil // the same image under the same tag: nothing to do
		}
		// The layer is written under the lock, as S3 bodies are, so a
		// concurrent push never sees an image without its program.
		if err := os.MkdirAll(filepath.Join(a.dir, imagesDir), 0o700); err != nil {
			return fmt.Errorf("create image store: %w", err)
		}
		if err := writeFileAtomic(a.layerPath(layer), program); err != nil {
			return err
		}
		if holder >= 0 {
			images[holder].Tags = slices.DeleteFunc(images[holder].Tags, func(t string) bool { return t == tag })
		}
		if i := slices.IndexFunc(images, func(im *image) bool { return im.Digest == digest }); i >= 0 {
			images[i].Tags = append(images[i].Tags, tag)
		} else {
			images = append(images, &image{Digest: digest, Tags: []string{tag}, PushedAt: now(),
				Size: int64(len(program)), Manifest: string(manifest), Layer: layer})
		}
		st.Images[repository] = images
		a.collectLayers(st)
		return nil
	})
	if err != nil {
		return PushedImage{}, fmt.Errorf("push image %s:%s: %w", repository, tag, err)
	}
	return PushedImage{Repository: repository, Tag: tag, Digest: digest}, nil
}

// repository returns the outputs of the ECR repository named name.
func (st *state) repository(name string) (map[string]any, error) {
	for _, r := range newIndex(st)[tokRepository] {
		if strOf(r, "name") == name {
			return r, nil
		}
	}
	return nil, st.repositoryNotFound(name)
}

// findImage returns the image id names by tag or digest, or nil.
func (st *state) findImage(repository string, id imageID) *image {
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
func (a *Account) HasRepository(name string) (bool, error) {
	var ok bool
	err := a.view(func(st *state) error {
		_, err := st.repository(name)
		ok = err == nil
		return nil
	})
	return ok, err
}

// collectLayers removes stored programs no image refers to any more (a
// deleted repository). The caller holds the exclusive
// lock; a failed removal only leaves garbage behind.
func (a *Account) collectLayers(st *state) {
	used := map[string]bool{}
	for _, images := range st.Images {
		for _, im := range images {
			used[im.Layer] = true
		}
	}
	entries, _ := os.ReadDir(filepath.Join(a.dir, imagesDir))
	for _, e := range entries {
		if !used[e.Name()] && !strings.HasSuffix(e.Name(), ".tmp") {
			_ = os.Remove(a.layerPath(e.Name()))
		}
	}
}
