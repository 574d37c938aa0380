package ecr

import (
	"slices"

	"github.com/kirikae/kirikae/sandbox/core"
)

// BatchDeleteImage deletes images of a repository: by digest the image
// and every tag on it, by tag only that tag (the image goes when its last
// tag does). Ids that match nothing come back as ImageNotFound failures;
// the call itself succeeds.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/delete_image.html
func BatchDeleteImage(a *core.Account, st *core.State, in []byte) (any, error) {
	req, err := imagesRequestOf(st, in)
	if err != nil {
		return nil, err
	}
	deleted, failures := []any{}, []any{}
	for _, id := range req.ImageIDs {
		im := FindImage(st, req.RepositoryName, id)
		if im == nil {
			failures = append(failures, imageNotFoundFailure(id))
			continue
		}
		if id.ImageDigest == "" {
			im.Tags = slices.DeleteFunc(im.Tags, func(t string) bool { return t == id.ImageTag })
		}
		if id.ImageDigest != "" || len(im.Tags) == 0 {
			st.Images[req.RepositoryName] = slices.DeleteFunc(st.Images[req.RepositoryName],
				func(x *core.Image) bool { return x == im })
		}
		deleted = append(deleted, ImageID{ImageDigest: im.Digest, ImageTag: id.ImageTag})
	}
	collectLayers(a, st)
	return map[string]any{"imageIds": deleted, "failures": failures}, nil
}
