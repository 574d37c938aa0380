package cloud

import (
	"context"
	"errors"
	"fmt"
	"github.com/aws/smithy-go"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// ImageRef names one image in ECR: by tag, by digest, or both (then the
// tag must point at that digest).
type ImageRef struct {
	// RegistryID is the account holding the repository; "" is the
	// caller's own (a stack that pulls from another account's registry
	// names it).
	RegistryID string
	Repository string
	Tag        string
	Digest     string
}

func (r ImageRef) String() string {
	s := r.Repository
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	if r.Digest != "" {
		s += "@" + r.Digest
	}
	return s
}

// ErrImageNotFound: the image, or its whole repository, is not in the
// registry; pushing it is the fix.
var ErrImageNotFound = errors.New("image not found")

// ImageNotFoundError says what ECR did not find.
type ImageNotFoundError struct {
	Ref ImageRef
	// NoRepository: the repository itself does not exist (yet).
	NoRepository bool
	Err          error
}

// ImageAccessDeniedError: the repository is in another account whose
// repository policy does not let this one read it.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
type ImageAccessDeniedError struct {
	Ref ImageRef
	Err error
}

func (e *ImageAccessDeniedError) Error() string {
	return fmt.Sprintf("ECR repository %s in account %s does not let this account read it: %v", e.Ref.Repository, e.Ref.RegistryID, e.Err)
}

func (e *ImageAccessDeniedError) Unwrap() error { return e.Err }

// isAccessDenied reports an IAM or resource-policy refusal.
func isAccessDenied(err error) bool {
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == "AccessDeniedException"
}

func (e *ImageNotFoundError) Error() string {
	if e.NoRepository {
		return fmt.Sprintf("ECR repository %s does not exist", e.Ref.Repository)
	}
	return fmt.Sprintf("image %s is not in ECR", e.Ref)
}

func (e *ImageNotFoundError) Unwrap() []error { return []error{ErrImageNotFound, e.Err} }

// ImageDigest resolves ref to the digest of its manifest with
// DescribeImages. An image that is not there (or a repository that is not)
// is an *ImageNotFoundError; with both a tag and a digest, a tag that
// points elsewhere is one too, so a release never runs an image other than
// the one recorded.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html
func (a *AWS) ImageDigest(ctx context.Context, ref ImageRef) (string, error) {
	in := &ecr.DescribeImagesInput{
		RepositoryName: aws.String(ref.Repository),
		ImageIds:       []ecrtypes.ImageIdentifier{{}},
	}
	if ref.RegistryID != "" {
		in.RegistryId = aws.String(ref.RegistryID)
	}
	if ref.Tag != "" {
		in.ImageIds[0].ImageTag = aws.String(ref.Tag)
	}
	if ref.Digest != "" {
		in.ImageIds[0].ImageDigest = aws.String(ref.Digest)
	}
	out, err := a.ecr.DescribeImages(ctx, in)
	var noImage *ecrtypes.ImageNotFoundException
	var noRepo *ecrtypes.RepositoryNotFoundException
	switch {
	case errors.As(err, &noImage):
		return "", &ImageNotFoundError{Ref: ref, Err: err}
	case errors.As(err, &noRepo):
		return "", &ImageNotFoundError{Ref: ref, NoRepository: true, Err: err}
	case isAccessDenied(err):
		return "", &ImageAccessDeniedError{Ref: ref, Err: err}
	case err != nil:
		return "", fmt.Errorf("describe image %s: %w", ref, err)
	}
	for _, d := range out.ImageDetails {
		if dg := aws.ToString(d.ImageDigest); ref.Digest == "" || dg == ref.Digest {
			return dg, nil
		}
	}
	return "", &ImageNotFoundError{Ref: ref}
}

// HasImages reports whether the repository holds any image; a repository
// that does not exist holds none.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html
func (a *AWS) HasImages(ctx context.Context, registryID, repository string) (bool, error) {
	in := &ecr.DescribeImagesInput{RepositoryName: aws.String(repository), MaxResults: aws.Int32(1)}
	if registryID != "" {
		in.RegistryId = aws.String(registryID)
	}
	out, err := a.ecr.DescribeImages(ctx, in)
	var noRepo *ecrtypes.RepositoryNotFoundException
	if errors.As(err, &noRepo) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("list images of %s: %w", repository, err)
	}
	return len(out.ImageDetails) > 0, nil
}

// RepositoryURI returns the URI images of the repository are pushed to
// and pulled from (<account>.dkr.ecr.<region>.amazonaws.com/<name>), as
// ECR reports it.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositories.html
func (a *AWS) RepositoryURI(ctx context.Context, registryID, repository string) (string, error) {
	in := &ecr.DescribeRepositoriesInput{RepositoryNames: []string{repository}}
	if registryID != "" {
		in.RegistryId = aws.String(registryID)
	}
	out, err := a.ecr.DescribeRepositories(ctx, in)
	if err != nil {
		return "", fmt.Errorf("describe repository %s: %w", repository, err)
	}
	if len(out.Repositories) == 0 {
		return "", fmt.Errorf("describe repository %s: none returned", repository)
	}
	return aws.ToString(out.Repositories[0].RepositoryUri), nil
}
