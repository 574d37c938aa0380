package cloud

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// A versioned bucket is empty only when every object version and delete
// marker is gone: "All objects (including all object versions and delete
// markers) in the bucket must be deleted before the bucket itself can be
// deleted" (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html).
// A plain DeleteObjects on a versioned bucket only adds delete markers, so
// both calls here go through ListObjectVersions.

// ObjectVersions counts the object versions and delete markers in bucket:
// what keeps DeleteBucket from succeeding.
func (a *AWS) ObjectVersions(ctx context.Context, bucket string) (int, error) {
	n := 0
	err := a.eachVersionPage(ctx, bucket, func(ids []s3types.ObjectIdentifier) error {
		n += len(ids)
		return nil
	})
	return n, err
}

// EmptyBucket deletes every object version and delete marker in bucket and
// returns how many it deleted.
func (a *AWS) EmptyBucket(ctx context.Context, bucket string) (int, error) {
	n := 0
	err := a.eachVersionPage(ctx, bucket, func(ids []s3types.ObjectIdentifier) error {
		out, err := a.s3.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: aws.String(bucket),
			Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)},
		})
		if err != nil {
			return fmt.Errorf("delete object versions in s3://%s: %w", bucket, err)
		}
		n += len(ids) - len(out.Errors)
		if len(out.Errors) > 0 {
			e := out.Errors[0]
			return fmt.Errorf("delete s3://%s/%s (version %s): %s: %s (and %d more)", bucket, aws.ToString(e.Key),
				aws.ToString(e.VersionId), aws.ToString(e.Code), aws.ToString(e.Message), len(out.Errors)-1)
		}
		return nil
	})
	return n, err
}

// eachVersionPage hands fn every page of versions and delete markers, at
// most deleteBatch at a time (DeleteObjects' limit).
func (a *AWS) eachVersionPage(ctx context.Context, bucket string, fn func([]s3types.ObjectIdentifier) error) error {
	pages := s3.NewListObjectVersionsPaginator(a.s3, &s3.ListObjectVersionsInput{
		Bucket: aws.String(bucket), MaxKeys: aws.Int32(deleteBatch),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list object versions in s3://%s: %w", bucket, err)
		}
		ids := make([]s3types.ObjectIdentifier, 0, len(page.Versions)+len(page.DeleteMarkers))
		for _, v := range page.Versions {
			ids = append(ids, s3types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
		}
		for _, m := range page.DeleteMarkers {
			ids = append(ids, s3types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
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
