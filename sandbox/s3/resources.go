package s3

import (
	"fmt"

	"github.com/kirikae/kirikae/sandbox/core"
)

// needBucket mirrors S3's NoSuchBucket for bucket sub-resources
// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).
func needBucket(e *core.Env) error {
	b := e.Str("bucket")
	if _, r := e.St.Find("aws:s3/bucketV2:BucketV2", b, ""); r == nil {
		return fmt.Errorf("NoSuchBucket: the specified bucket %q does not exist", b)
	}
	return nil
}

func byBucket(e *core.Env) (string, error) {
	if err := needBucket(e); err != nil {
		return "", err
	}
	return e.Str("bucket"), nil
}

// Register adds the s3 resource types to the provider's registry.
func Register() {
	registerLifecycle()
	core.Register(
		&core.TypeSpec{Token: "aws:s3/bucketV2:BucketV2", Name: "bucket", NameMax: 63, LowerName: true,
			Immutable: []string{"bucket", "bucketPrefix", "objectLockEnabled"},
			Defaults:  map[string]any{"forceDestroy": false, "objectLockEnabled": false},
			Create: func(e *core.Env) (string, error) {
				b := e.Name()
				e.Put("arn", "arn:aws:s3:::"+b)
				e.Put("bucketDomainName", b+".s3.amazonaws.com")
				e.Put("bucketRegionalDomainName", fmt.Sprintf("%s.s3.%s.amazonaws.com", b, e.Region))
				e.Put("region", e.Region)
				e.Put("hostedZoneId", "Z3AQBSTGFYJSTF")
				return b, nil
			},
			// Only an empty bucket (or forceDestroy, with which the provider
			// empties it first) is deleted, so a recreated bucket starts empty.
			RefuseDelete: core.BucketNotEmpty,
			Remove:       func(st *core.State, r *core.Record) { _ = st.DropObjects(r.ID) }},
		&core.TypeSpec{Token: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", Required: []string{"bucket"},
			Immutable: []string{"bucket"},
			Defaults: map[string]any{"blockPublicAcls": false, "blockPublicPolicy": false,
				"ignorePublicAcls": false, "restrictPublicBuckets": false},
			Create: byBucket},
		&core.TypeSpec{Token: "aws:s3/bucketVersioningV2:BucketVersioningV2", Required: []string{"bucket", "versioningConfiguration"},
			Immutable: []string{"bucket", "expectedBucketOwner"}, Create: byBucket},
		&core.TypeSpec{Token: "aws:s3/bucketPolicy:BucketPolicy", Required: []string{"bucket", "policy"},
			Immutable: []string{"bucket"}, Check: core.JSONString("policy", false), Create: byBucket},
	)
}
