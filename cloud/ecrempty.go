package cloud

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// ECR deletes a repository that still holds images only with force
// (RepositoryNotEmptyException otherwise):
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html
// kirikae's repository has no forceDelete, so destroy counts and, when
// asked, deletes the images first.

// batchDeleteImages is BatchDeleteImage's limit of image ids per call:
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html
const batchDeleteImages = 100

// RepositoryImages counts the images in repository; a repository that does
// not exist holds none.
func (a *AWS) RepositoryImages(ctx context.Context, repository string) (int, error) {
	n := 0
	err := a.eachImagePage(ctx, repository, func(ids []ecrtypes.ImageIdentifier) error {
		n += len(ids)
		return nil
	})
	return n, err
}

// EmptyRepository deletes every image of repository by digest and returns
// how many it deleted.
func (a *AWS) EmptyRepository(ctx context.Context, repository string) (int, error) {
	n := 0
	err := a.eachImagePage(ctx, repository, func(ids []ecrtypes.ImageIdentifier) error {
		for len(ids) > 0 {
			batch := ids[:min(len(ids), batchDeleteImages)]
			ids = ids[len(batch):]
			out, err := a.ecr.BatchDeleteImage(ctx, &ecr.BatchDeleteImageInput{
				RepositoryName: aws.String(repository), ImageIds: batch,
			})
			if err != nil {
				return fmt.Errorf("delete images of %s: %w", repository, err)
			}
			n += len(out.ImageIds)
			if len(out.Failures) > 0 {
				f := out.Failures[0]
				return fmt.Errorf("delete image %s of %s: %s: %s (and %d more)", aws.ToString(f.ImageId.ImageDigest),
					repository, f.FailureCode, aws.ToString(f.FailureReason), len(out.Failures)-1)
			}
		}
		return nil
	})
	return n, err
}

// eachImagePage hands fn the digests of every page of the repository's
// images (DescribeImages).
func (a *AWS) eachImagePage(ctx context.Context, repository string, fn func([]ecrtypes.ImageIdentifier) error) error {
	pages := ecr.NewDescribeImagesPaginator(a.ecr, &ecr.DescribeImagesInput{RepositoryName: aws.String(repository)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		var missing *ecrtypes.RepositoryNotFoundException
		if errors.As(err, &missing) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("list images of %s: %w", repository, err)
		}
		ids := make([]ecrtypes.ImageIdentifier, 0, len(page.ImageDetails))
		for _, d := range page.ImageDetails {
			ids = append(ids, ecrtypes.ImageIdentifier{ImageDigest: d.ImageDigest})
		}
		if len(ids) == 0 {
			continue
		}
		if err := fn(ids); err != nil {
			return err
		}
	}
	return nil
}
