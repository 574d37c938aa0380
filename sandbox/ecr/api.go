package ecr

import (
	"encoding/json"
	"fmt"

	"github.com/kirikae/kirikae/sandbox/core"
)

const TargetPrefix = "AmazonEC2ContainerRegistry_V20150921"

func Ops(a *core.Account) map[string]core.JSONOp {
	return map[string]core.JSONOp{
		// Another account's registry (registryId) answers as far as its
		// repository's policy allows (ecr/registry_xacct.go).
		"DescribeRepositories": crossAccount("ecr:DescribeRepositories", describeRepositories),
		"DescribeImages":       crossAccount("ecr:DescribeImages", DescribeImages),
		"BatchGetImage":        crossAccount("ecr:BatchGetImage", BatchGetImage),
		"BatchDeleteImage":     crossAccountWrite(func(st *core.State, in []byte) (any, error) { return BatchDeleteImage(a, st, in) }),
	}
}

func repositoryNotFound(st *core.State, name string) error {
	return core.BadRequest("RepositoryNotFoundException",
		fmt.Sprintf("The repository with name '%s' does not exist in the registry with id '%s'", name, st.AccountID))
}

// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositories.html
func describeRepositories(st *core.State, in []byte) (any, error) {
	var req struct {
		RepositoryNames []string `json:"repositoryNames"`
	}
	if err := core.Decode(in, &req); err != nil {
		return nil, err
	}
	repos := core.NewIndex(st)[core.TokRepository]
	byName := map[string]map[string]any{}
	for _, r := range repos {
		byName[core.StrOf(r, "name")] = r
	}
	names := req.RepositoryNames
	if len(names) == 0 {
		for _, r := range repos {
			names = append(names, core.StrOf(r, "name"))
		}
	}
	out := []any{}
	for _, n := range names {
		r, ok := byName[n]
		if !ok {
			return nil, repositoryNotFound(st, n)
		}
		scan, _ := r["imageScanningConfiguration"].(map[string]any)
		out = append(out, map[string]any{
			"repositoryArn": r["arn"], "registryId": r["registryId"], "repositoryName": n,
			"repositoryUri": r["repositoryUrl"], "createdAt": core.Epoch(""),
			"imageTagMutability":         r["imageTagMutability"],
			"imageScanningConfiguration": map[string]any{"scanOnPush": scan["scanOnPush"] == true},
		})
	}
	return map[string]any{"repositories": out}, nil
}

type ImageID struct {
	ImageTag    string `json:"imageTag,omitempty"`
	ImageDigest string `json:"imageDigest,omitempty"`
}

func needRepository(st *core.State, name string) error {
	_, err := Repository(st, name)
	return err
}

func imageNotFound(st *core.State, repository string, id ImageID) error {
	return core.BadRequest("ImageNotFoundException", fmt.Sprintf(
		"The image with imageId {imageDigest:'%s', imageTag:'%s'} does not exist within the repository with name '%s' in the registry with id '%s'",
		id.ImageDigest, id.ImageTag, repository, st.AccountID))
}

// DescribeImages lists the repository's images, or the named ones; one
// missing named image fails the call with ImageNotFoundException.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html
func DescribeImages(st *core.State, in []byte) (any, error) {
	req, err := imagesRequestOf(st, in)
	if err != nil {
		return nil, err
	}
	images := st.Images[req.RepositoryName]
	if len(req.ImageIDs) > 0 {
		images = nil
		for _, id := range req.ImageIDs {
			im := FindImage(st, req.RepositoryName, id)
			if im == nil {
				return nil, imageNotFound(st, req.RepositoryName, id)
			}
			images = append(images, im)
		}
	}
	details := []any{}
	for _, im := range images {
		d := map[string]any{
			"registryId": st.AccountID, "repositoryName": req.RepositoryName,
			"imageDigest": im.Digest, "imagePushedAt": core.Epoch(im.PushedAt),
			"imageSizeInBytes": im.Size, "imageManifestMediaType": manifestMediaType,
		}
		if len(im.Tags) > 0 { // ECR leaves imageTags out for untagged images
			d["imageTags"] = im.Tags
		}
		details = append(details, d)
	}
	return map[string]any{"imageDetails": details}, nil
}

// imageNotFoundFailure is the ImageFailure a batch call returns for an id that
// matches no image.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageFailure.html
func imageNotFoundFailure(id ImageID) map[string]any {
	return map[string]any{"imageId": id, "failureCode": "ImageNotFound", "failureReason": "Requested image not found"}
}

// BatchGetImage returns each found image's manifest and a failure for each
// missing one; the call itself succeeds.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetImage.html
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageFailure.html
func BatchGetImage(st *core.State, in []byte) (any, error) {
	req, err := imagesRequestOf(st, in)
	if err != nil {
		return nil, err
	}
	images, failures := []any{}, []any{}
	for _, id := range req.ImageIDs {
		im := FindImage(st, req.RepositoryName, id)
		if im == nil {
			failures = append(failures, imageNotFoundFailure(id))
			continue
		}
		got := ImageID{ImageDigest: im.Digest, ImageTag: id.ImageTag}
		images = append(images, map[string]any{
			"registryId": st.AccountID, "repositoryName": req.RepositoryName,
			"imageId": got, "imageManifest": im.Manifest, "imageManifestMediaType": MediaTypeOf(im),
		})
	}
	return map[string]any{"images": images, "failures": failures}, nil
}

// imagesRequest is the body DescribeImages and BatchGetImage share.
type imagesRequest struct {
	RepositoryName string    `json:"repositoryName"`
	ImageIDs       []ImageID `json:"imageIds"`
}

// imagesRequestOf decodes it and checks the repository exists.
func imagesRequestOf(st *core.State, in []byte) (imagesRequest, error) {
	var req imagesRequest
	if err := core.Decode(in, &req); err != nil {
		return req, err
	}
	return req, needRepository(st, req.RepositoryName)
}

// MediaTypeOf is the media type of an image's manifest: an index for an
// image pushed with its platform, else a manifest.
func MediaTypeOf(im *core.Image) string {
	var doc struct {
		MediaType string `json:"mediaType"`
	}
	if json.Unmarshal([]byte(im.Manifest), &doc) == nil && doc.MediaType != "" {
		return doc.MediaType
	}
	return manifestMediaType
}
