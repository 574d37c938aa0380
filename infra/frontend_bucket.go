package infra

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/stacks"
)

// Retention of old frontend objects. Versioning keeps an overwritten or
// pruned release recoverable for a while; the lifecycle rule then expires
// it, or a versioned bucket grows forever (a delete only adds a marker).
const (
	noncurrentDays     = 30 // days an overwritten or deleted object stays recoverable
	abortMultipartDays = 7  // days before an unfinished upload's parts are dropped
)

// newFrontendBucket creates the private, versioned frontend bucket with its
// lifecycle. The default name carries the account id, read from the ARN of
// the origin access control (the program makes no STS call). The bucket is
// never emptied by the provider (no forceDestroy): `kirikae destroy` says
// what it holds and empties it only when asked (--force-empty).
func newFrontendBucket(ctx *pulumi.Context, cfg stacks.Config, oac *cloudfront.OriginAccessControl,
	parent pulumi.ResourceOption) (*s3.BucketV2, error) {
	name := pulumi.String(cfg.FrontendBucket).ToStringOutput()
	if cfg.FrontendBucket == "" {
		name = oac.Arn.ApplyT(func(arn string) (string, error) {
			account, err := accountOf(arn)
			if err != nil {
				return "", err
			}
			return FrontendBucketName(cfg, account), nil
		}).(pulumi.StringOutput)
	}
	bucket, err := s3.NewBucketV2(ctx, "bucket", &s3.BucketV2Args{
		Bucket: name,
		Tags:   tags(cfg),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create frontend bucket: %w", err)
	}
	// Versioning keeps an overwritten or deleted release recoverable.
	versioning, err := s3.NewBucketVersioningV2(ctx, "bucket", &s3.BucketVersioningV2Args{
		Bucket: bucket.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{
			Status: pulumi.String("Enabled"),
		},
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("enable frontend versioning: %w", err)
	}
	// Noncurrent versions expire, delete markers left with no versions are
	// removed, and abandoned multipart uploads (which are billed) are
	// aborted. The rule waits for versioning, as AWS advises for
	// noncurrent-version rules:
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html
	// https://www.pulumi.com/registry/packages/aws/api-docs/s3/bucketlifecycleconfigurationv2/
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, "bucket", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:     pulumi.String("expire-old-release-versions"),
			Status: pulumi.String("Enabled"),
			Filter: &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			NoncurrentVersionExpiration: &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
				NoncurrentDays: pulumi.Int(noncurrentDays),
			},
			Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{
				ExpiredObjectDeleteMarker: pulumi.Bool(true),
			},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
				DaysAfterInitiation: pulumi.Int(abortMultipartDays),
			},
		}},
	}, parent, pulumi.DependsOn([]pulumi.Resource{versioning})); err != nil {
		return nil, fmt.Errorf("create frontend lifecycle rule: %w", err)
	}
	return bucket, nil
}
