package cloud

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ObjectMeta is the metadata a frontend object is stored with: browsers
// and CloudFront cache by Cache-Control, render by Content-Type.
type ObjectMeta struct {
	ContentType  string
	CacheControl string
}

// Object is one listed S3 object.
type Object struct {
	Key  string
	ETag string // without quotes; the MD5 of a single-part upload
	Size int64
}

// InvalidationTimeoutError is an invalidation that did not complete
// within the wait kirikae allows: the cache may still serve old objects,
// so whatever was to be verified next cannot be trusted yet.
type InvalidationTimeoutError struct {
	Distribution, ID string
	Waited           time.Duration
}

func (e *InvalidationTimeoutError) Error() string {
	return fmt.Sprintf("invalidation %s of distribution %s did not complete within %s; check it with: aws cloudfront get-invalidation --distribution-id %s --id %s",
		e.ID, e.Distribution, e.Waited, e.Distribution, e.ID)
}

// WaitOptions bound an invalidation wait. Zero delays take the SDK's
// defaults (20 s, growing to 120 s).
type WaitOptions struct {
	MaxWait            time.Duration
	MinDelay, MaxDelay time.Duration
}

func (a *AWS) PutObjectMeta(ctx context.Context, bucket, key string, body []byte, meta ObjectMeta) error {
	in := &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key),
		Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body))),
	}
	if meta.ContentType != "" {
		in.ContentType = aws.String(meta.ContentType)
	}
	if meta.CacheControl != "" {
		in.CacheControl = aws.String(meta.CacheControl)
	}
	if _, err := a.s3.PutObject(ctx, in); err != nil {
		return fmt.Errorf("put s3://%s/%s: %w", bucket, key, err)
	}
	return nil
}

func (a *AWS) ListObjects(ctx context.Context, bucket, prefix string) ([]Object, error) {
	var out []Object
	pages := s3.NewListObjectsV2Paginator(a.s3, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list s3://%s/%s: %w", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			out = append(out, Object{Key: aws.ToString(o.Key), ETag: strings.Trim(aws.ToString(o.ETag), `"`), Size: aws.ToInt64(o.Size)})
		}
	}
	return out, nil
}

// CopyObject copies server-side: the bytes never leave S3, and the
// metadata (Cache-Control, Content-Type) is copied with them.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
func (a *AWS) CopyObject(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string) (string, error) {
	out, err := a.s3.CopyObject(ctx, &s3.CopyObjectInput{
		Bucket: aws.String(dstBucket), Key: aws.String(dstKey),
		CopySource: aws.String(srcBucket + "/" + url.PathEscape(srcKey)),
	})
	if err != nil {
		return "", fmt.Errorf("copy s3://%s/%s to s3://%s/%s: %w", srcBucket, srcKey, dstBucket, dstKey, err)
	}
	if out.CopyObjectResult == nil {
		return "", nil
	}
	return strings.Trim(aws.ToString(out.CopyObjectResult.ETag), `"`), nil
}

// InvalidateAndWait creates an invalidation and waits with the SDK's
// InvalidationCompleted waiter until CloudFront reports it Completed. A
// wait past opts.MaxWait is an *InvalidationTimeoutError.
func (a *AWS) InvalidateAndWait(ctx context.Context, distributionID string, paths []string, opts WaitOptions) error {
	id, err := a.createInvalidation(ctx, distributionID, paths)
	if err != nil {
		return err
	}
	maxWait := opts.MaxWait
	if maxWait <= 0 {
		maxWait = 15 * time.Minute
	}
	w := cloudfront.NewInvalidationCompletedWaiter(a.cf, func(o *cloudfront.InvalidationCompletedWaiterOptions) {
		if opts.MinDelay > 0 {
			o.MinDelay = opts.MinDelay
		}
		if opts.MaxDelay > 0 {
			o.MaxDelay = max(opts.MaxDelay, o.MinDelay)
		}
	})
	err = w.Wait(ctx, &cloudfront.GetInvalidationInput{DistributionId: aws.String(distributionID), Id: aws.String(id)}, maxWait)
	if err == nil {
		return nil
	}
	if ctx.Err() == nil && strings.Contains(err.Error(), "exceeded max wait time") {
		return &InvalidationTimeoutError{Distribution: distributionID, ID: id, Waited: maxWait}
	}
	return fmt.Errorf("wait for invalidation %s of distribution %s: %w", id, distributionID, err)
}

var errNoPaths = errors.New("invalidate: no paths given")
