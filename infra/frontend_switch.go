package infra

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/stacks"
)

// viewerRequestJS is the CloudFront Function that serves the live release.
//
//go:embed cfjs/viewer_request.js
var viewerRequestJS string

// ReleaseKey is the KeyValueStore key holding the live frontend release id.
const ReleaseKey = "release"

// ViewerRequestCode is the function's source for a stack: the embedded file
// with its one setting filled in.
func ViewerRequestCode(spa bool) string {
	return strings.Replace(viewerRequestJS, "const spaFallback = SPA_FALLBACK;",
		"const spaFallback = "+strconv.FormatBool(spa)+";", 1)
}

// releaseSwitch is the data a release switch changes: a KeyValueStore, its
// one key, and the viewer-request function reading it. Switching the key's
// value changes which release every edge serves within seconds, with no
// distribution update (which takes minutes to deploy):
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/kvs-with-functions.html
type releaseSwitch struct {
	fn *cloudfront.Function
}

func newReleaseSwitch(ctx *pulumi.Context, cfg stacks.Config, parent pulumi.Resource) (*releaseSwitch, error) {
	opt := pulumi.Parent(parent)
	store, err := cloudfront.NewKeyValueStore(ctx, "releases", &cloudfront.KeyValueStoreArgs{
		Name:    pulumi.String(physicalName(cfg, "frontend")),
		Comment: pulumi.String("kirikae: live frontend release id"),
	}, opt)
	if err != nil {
		return nil, fmt.Errorf("create key value store: %w", err)
	}
	// With no release yet there is no key: the function answers 503 rather
	// than serving the bucket root.
	if cfg.FrontendRelease != "" {
		if _, err := cloudfront.NewKeyvaluestoreKey(ctx, "release", &cloudfront.KeyvaluestoreKeyArgs{
			KeyValueStoreArn: store.Arn,
			Key:              pulumi.String(ReleaseKey),
			Value:            pulumi.String(cfg.FrontendRelease),
		}, opt); err != nil {
			return nil, fmt.Errorf("set live frontend release: %w", err)
		}
	}
	fn, err := cloudfront.NewFunction(ctx, "release", &cloudfront.FunctionArgs{
		Name:                      pulumi.String(physicalName(cfg, "frontend")),
		Runtime:                   pulumi.String("cloudfront-js-2.0"),
		Comment:                   pulumi.String("kirikae: serve the live frontend release"),
		Code:                      pulumi.String(ViewerRequestCode(cfg.FrontendSpa)),
		Publish:                   pulumi.Bool(true),
		KeyValueStoreAssociations: pulumi.StringArray{store.Arn},
	}, opt)
	if err != nil {
		return nil, fmt.Errorf("create release function: %w", err)
	}
	return &releaseSwitch{fn: fn}, nil
}

// associations runs the function on every viewer request of a behaviour.
func (r *releaseSwitch) associations() cloudfront.DistributionDefaultCacheBehaviorFunctionAssociationArray {
	return cloudfront.DistributionDefaultCacheBehaviorFunctionAssociationArray{
		&cloudfront.DistributionDefaultCacheBehaviorFunctionAssociationArgs{
			EventType:   pulumi.String("viewer-request"),
			FunctionArn: r.fn.Arn,
		},
	}
}

// frontendBucketPolicy lets exactly one distribution read the bucket
// through its origin access control. s3:ListBucket is what makes S3 answer
// a missing key with 404 instead of 403, so an unknown path is a 404:
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
//
// readers are the accounts of kirikae:frontendReadAccounts: a promote in
// another account copies this bucket's releases with its own credentials,
// which S3 allows only when the bucket policy grants that account too
// (and the account's own IAM policy allows it).
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-policy-language-overview.html
// The grant lives in the same policy the program manages, so the next up
// keeps it instead of reporting a hand-added one as drift.
func frontendBucketPolicy(bucketARN, distributionARN string, readers []string) (string, error) {
	cond := map[string]any{"StringEquals": map[string]any{"AWS:SourceArn": distributionARN}}
	principal := map[string]any{"Service": "cloudfront.amazonaws.com"}
	statements := []policyStatement{
		{Sid: "AllowCloudFrontRead", Effect: "Allow", Principal: principal,
			Action: "s3:GetObject", Resource: bucketARN + "/*", Condition: cond},
		{Sid: "AllowCloudFrontList", Effect: "Allow", Principal: principal,
			Action: "s3:ListBucket", Resource: bucketARN, Condition: cond},
	}
	if len(readers) > 0 {
		accounts := make([]string, len(readers))
		for i, a := range readers {
			accounts[i] = "arn:aws:iam::" + a + ":root"
		}
		statements = append(statements,
			// Promote copies a release's prefix and the shared hashed
			// assets it lists (AssetsPrefix), nothing else of the bucket.
			policyStatement{Sid: "AllowPromoteRead", Effect: "Allow", Principal: map[string]any{"AWS": accounts},
				Action: "s3:GetObject", Resource: []string{bucketARN + "/" + ReleasesRoot + "/*", bucketARN + "/" + AssetsPrefix + "*"}},
			policyStatement{Sid: "AllowPromoteList", Effect: "Allow", Principal: map[string]any{"AWS": accounts},
				Action: "s3:ListBucket", Resource: bucketARN})
	}
	return marshalPolicy(statements...)
}
