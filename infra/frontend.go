package infra

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/stacks"
)

// cachingOptimizedPolicyID is AWS's managed "CachingOptimized" cache policy.
// Its ID is fixed by AWS, so it is written out rather than looked up.
const cachingOptimizedPolicyID = "658327ea-f89d-4fab-a63d-7e88639e58f6"

// frontendOriginID names the single S3 origin inside the distribution.
const frontendOriginID = "releases"

// frontend is a private bucket holding every release under
// /releases/<id>/ and a distribution serving exactly one of them. The
// origin is the bucket root and never changes; a viewer-request function
// rewrites each request to the live release, read from a KeyValueStore, so
// a release switch or rollback is one key update (frontend_switch.go).
type frontend struct {
	pulumi.ResourceState

	URL            pulumi.StringOutput
	DistributionID pulumi.StringOutput
	Bucket         pulumi.StringOutput
}

// FrontendBucketName is the bucket kirikae:frontendBucket names, or the
// derived <serviceName>-<stack>-frontend-<account id>: bucket names are
// global across every AWS account, so a name without the account would be
// taken by the first team to deploy a service called the same.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
// The deploy layer reads the name back from the stack outputs.
func FrontendBucketName(cfg stacks.Config, account string) string {
	if cfg.FrontendBucket != "" {
		return cfg.FrontendBucket
	}
	return limitedName(physicalName(cfg, "frontend"), account, maxBucketName)
}

// ReleasesRoot is the key prefix under which every frontend release lives.
const ReleasesRoot = "releases"

// ReleasePrefix is the key prefix of one frontend release, the one the
// viewer-request function rewrites requests to.
func ReleasePrefix(release string) string {
	return ReleasesRoot + "/" + release
}

// AssetsPrefix is the key prefix of the content-hashed files every release
// shares (cloud/assets.go); the viewer-request function sends requests for
// hashed names there (cfjs/viewer_request.js).
const AssetsPrefix = "assets/"

func newFrontend(ctx *pulumi.Context, cfg stacks.Config) (*frontend, error) {
	f := &frontend{}
	if err := ctx.RegisterComponentResource(TypeFrontend, "frontend", f); err != nil {
		return nil, fmt.Errorf("register frontend: %w", err)
	}
	parent := pulumi.Parent(f)
	oac, err := cloudfront.NewOriginAccessControl(ctx, "bucket", &cloudfront.OriginAccessControlArgs{
		Name:                          pulumi.String(physicalName(cfg, "frontend")),
		Description:                   pulumi.String("kirikae frontend bucket access"),
		OriginAccessControlOriginType: pulumi.String("s3"),
		SigningBehavior:               pulumi.String("always"),
		SigningProtocol:               pulumi.String("sigv4"),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create origin access control: %w", err)
	}
	bucket, err := newFrontendBucket(ctx, cfg, oac, parent)
	if err != nil {
		return nil, err
	}
	block, err := s3.NewBucketPublicAccessBlock(ctx, "bucket", &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("block frontend public access: %w", err)
	}
	dist, err := newDistribution(ctx, cfg, f, bucket, oac)
	if err != nil {
		return nil, err
	}
	policy := pulumi.All(bucket.Arn, dist.Arn).ApplyT(func(args []any) (string, error) {
		return frontendBucketPolicy(args[0].(string), args[1].(string), cfg.FrontendReadAccounts)
	}).(pulumi.StringOutput)
	// S3 rejects concurrent changes to a bucket's access block and policy
	// (OperationAborted), so the policy waits for the block.
	if _, err := s3.NewBucketPolicy(ctx, "bucket", &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: policy,
	}, parent, pulumi.DependsOn([]pulumi.Resource{block})); err != nil {
		return nil, fmt.Errorf("create frontend bucket policy: %w", err)
	}

	f.URL = pulumi.Sprintf("https://%s", dist.DomainName)
	if cfg.FrontendDomain != "" {
		f.URL = pulumi.String("https://" + cfg.FrontendDomain).ToStringOutput()
	}
	f.DistributionID = dist.ID().ToStringOutput()
	f.Bucket = bucket.Bucket
	if err := ctx.RegisterResourceOutputs(f, pulumi.Map{
		"url":            f.URL,
		"bucket":         bucket.Bucket,
		"distributionId": f.DistributionID,
	}); err != nil {
		return nil, fmt.Errorf("register frontend outputs: %w", err)
	}
	return f, nil
}

func newDistribution(ctx *pulumi.Context, cfg stacks.Config, f *frontend, bucket *s3.BucketV2,
	oac *cloudfront.OriginAccessControl,
) (*cloudfront.Distribution, error) {
	headers, err := newSecurityHeaders(ctx, cfg, f)
	if err != nil {
		return nil, err
	}
	sw, err := newReleaseSwitch(ctx, cfg, f)
	if err != nil {
		return nil, err
	}
	dist, err := cloudfront.NewDistribution(ctx, "cdn", &cloudfront.DistributionArgs{
		Enabled:           pulumi.Bool(true),
		Aliases:           frontendAliases(cfg),
		Comment:           pulumi.String(physicalName(cfg, "frontend")),
		DefaultRootObject: pulumi.String("index.html"),
		PriceClass:        pulumi.String("PriceClass_100"),
		Origins: cloudfront.DistributionOriginArray{&cloudfront.DistributionOriginArgs{
			OriginId:              pulumi.String(frontendOriginID),
			DomainName:            bucket.BucketRegionalDomainName,
			OriginAccessControlId: oac.ID(),
		}},
		DefaultCacheBehavior: &cloudfront.DistributionDefaultCacheBehaviorArgs{
			TargetOriginId:          pulumi.String(frontendOriginID),
			ViewerProtocolPolicy:    pulumi.String("redirect-to-https"),
			AllowedMethods:          pulumi.ToStringArray([]string{"GET", "HEAD"}),
			CachedMethods:           pulumi.ToStringArray([]string{"GET", "HEAD"}),
			CachePolicyId:           pulumi.String(cachingOptimizedPolicyID),
			ResponseHeadersPolicyId: headers.ID(),
			Compress:                pulumi.Bool(true),
			FunctionAssociations:    sw.associations(),
		},
		Restrictions: &cloudfront.DistributionRestrictionsArgs{
			GeoRestriction: &cloudfront.DistributionRestrictionsGeoRestrictionArgs{
				RestrictionType: pulumi.String("none"),
			},
		},
		ViewerCertificate: viewerCertificate(cfg),
		Tags:              tags(cfg),
	}, pulumi.Parent(f))
	if err != nil {
		return nil, fmt.Errorf("create distribution: %w", err)
	}
	return dist, nil
}
