package sandbox

import "slices"

// ecrMutatingOps are the ECR operations that change the account; the JSON
// endpoint runs them under the exclusive lock and saves their state.
var ecrMutatingOps = map[string]bool{"BatchDeleteImage": true}

// batchDeleteImage deletes images of a repository: by digest the image
// and every tag on it, by tag only that tag (the image goes when its last
// tag does). Ids that match nothing come back as ImageNotFound failures;
// the call itself succeeds.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/delete_image.html
func (a *Account) batchDeleteImage(st *state, in []byte) (any, error) {
	req, err := imagesRequestOf(st, in)
	if err != nil {
		return nil, err
	}
	deleted, failures := []any{}, []any{}
	for _, id := range req.ImageIDs {
		im := st.findImage(req.RepositoryName, id)
		if im == nil {
			failures = append(failures, map[string]any{"imageId": id, "failureCode": "ImageNotFound",
				"failureReason": "Requested image not found"})
			continue
		}
		if id.ImageDigest == "" {
			im.Tags = slices.DeleteFunc(im.Tags, func(t string) bool { return t == id.ImageTag })
		}
		if id.ImageDigest != "" || len(im.Tags) == 0 {
			st.Images[req.RepositoryName] = slices.DeleteFunc(st.Images[req.RepositoryName],
				func(x *image) bool { return x == im })
		}
		deleted = append(deleted, imageID{ImageDigest: im.Digest, ImageTag: id.ImageTag})
	}
	a.collectLayers(st)
	return map[string]any{"imageIds": deleted, "failures": failures}, nil
}
