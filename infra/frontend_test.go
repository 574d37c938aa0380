package infra

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/stacks"
)

const typeDistribution = "aws:cloudfront/distribution:Distribution"

func TestFrontendBucketIsPrivateAndVersioned(t *testing.T) {
	m := run(t, testConfig(stacks.BackendLambda))
	bucket := m.one(t, "aws:s3/bucketV2:BucketV2", "bucket")
	assert.Equal(t, "api-staging-frontend-"+mockAccount, str(t, bucket.Inputs, "bucket"))
	block := m.one(t, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "bucket")
	assert.Equal(t, bucket.ID, str(t, block.Inputs, "bucket"))
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		assert.True(t, at(t, block.Inputs, k).BoolValue(), k)
	}
	versioning := m.one(t, "aws:s3/bucketVersioningV2:BucketVersioningV2", "bucket")
	assert.Equal(t, "Enabled", str(t, versioning.Inputs, "versioningConfiguration", "status"))
	assert.Equal(t, bucket.ID, str(t, versioning.Inputs, "bucket"))
}

func TestFrontendBucketNameFromConfig(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	cfg.FrontendBucket = "acme-web-staging"
	assert.Equal(t, "acme-web-staging", FrontendBucketName(cfg, mockAccount))
	assert.Equal(t, "acme-web-staging", str(t, run(t, cfg).one(t, "aws:s3/bucketV2:BucketV2", "bucket").Inputs, "bucket"))
}

// Bucket names are global across AWS accounts: the default one carries the
// account id, so another team's service of the same name cannot take it.
func TestDefaultFrontendBucketNameIsUniqueToTheAccount(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	got := str(t, run(t, cfg).one(t, "aws:s3/bucketV2:BucketV2", "bucket").Inputs, "bucket")
	assert.Equal(t, "api-staging-frontend-"+mockAccount, got)
	cfg.ServiceName = "payments-reconciliation-service"
	cfg.Stack = "staging-with-a-long-name-for-a-test"
	long := FrontendBucketName(cfg, mockAccount)
	assert.LessOrEqual(t, len(long), 63)
	assert.Regexp(t, `-`+mockAccount+`$`, long)
}

// Old release versions expire: a versioned bucket otherwise keeps every
// overwritten or pruned object forever.
func TestFrontendBucketExpiresOldVersions(t *testing.T) {
	m := run(t, testConfig(stacks.BackendECS))
	bucket := m.one(t, "aws:s3/bucketV2:BucketV2", "bucket")
	assert.False(t, has(bucket.Inputs, "forceDestroy") && at(t, bucket.Inputs, "forceDestroy").BoolValue(),
		"destroy empties the bucket only when asked")
	rule := m.one(t, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "bucket")
	assert.Equal(t, bucket.ID, str(t, rule.Inputs, "bucket"))
	rules := at(t, rule.Inputs, "rules").ArrayValue()
	require.Len(t, rules, 1)
	assert.Equal(t, "Enabled", str(t, rule.Inputs, "rules", 0, "status"))
	assert.Equal(t, float64(30), at(t, rule.Inputs, "rules", 0, "noncurrentVersionExpiration", "noncurrentDays").NumberValue())
	assert.Equal(t, float64(7), at(t, rule.Inputs, "rules", 0, "abortIncompleteMultipartUpload", "daysAfterInitiation").NumberValue())
	assert.True(t, at(t, rule.Inputs, "rules", 0, "expiration", "expiredObjectDeleteMarker").BoolValue())
}

func TestDistributionServesOneReleaseThroughOAC(t *testing.T) {
	m := run(t, testConfig(stacks.BackendECS))
	bucket := m.one(t, "aws:s3/bucketV2:BucketV2", "bucket")
	oac := m.one(t, "aws:cloudfront/originAccessControl:OriginAccessControl", "bucket")
	assert.Equal(t, "sigv4", str(t, oac.Inputs, "signingProtocol"))
	assert.Equal(t, "always", str(t, oac.Inputs, "signingBehavior"))
	assert.Equal(t, "s3", str(t, oac.Inputs, "originAccessControlOriginType"))

	dist := m.one(t, typeDistribution, "cdn")
	origin := func(key string) string { return str(t, dist.Inputs, "origins", 0, key) }
	assert.Equal(t, oac.ID, origin("originAccessControlId"))
	assert.Equal(t, str(t, bucket.Outputs, "bucketRegionalDomainName"), origin("domainName"))
	assert.Equal(t, origin("originId"), str(t, dist.Inputs, "defaultCacheBehavior", "targetOriginId"))
	assert.Equal(t, "redirect-to-https", str(t, dist.Inputs, "defaultCacheBehavior", "viewerProtocolPolicy"))
	assert.Equal(t, "index.html", str(t, dist.Inputs, "defaultRootObject"))
	assert.Equal(t, "PriceClass_100", str(t, dist.Inputs, "priceClass"))
	assert.True(t, at(t, dist.Inputs, "enabled").BoolValue())
	assert.True(t, at(t, dist.Inputs, "viewerCertificate", "cloudfrontDefaultCertificate").BoolValue())
}

func TestBucketPolicyAllowsOnlyTheDistribution(t *testing.T) {
	m := run(t, testConfig(stacks.BackendECS))
	bucket := m.one(t, "aws:s3/bucketV2:BucketV2", "bucket")
	dist := m.one(t, typeDistribution, "cdn")
	policy := m.one(t, "aws:s3/bucketPolicy:BucketPolicy", "bucket")
	assert.Equal(t, bucket.ID, str(t, policy.Inputs, "bucket"))

	var doc policyDocument
	require.NoError(t, json.Unmarshal([]byte(str(t, policy.Inputs, "policy")), &doc))
	require.Len(t, doc.Statement, 2)
	for i, want := range [][2]string{{"s3:GetObject", str(t, bucket.Outputs, "arn") + "/*"}, {"s3:ListBucket", str(t, bucket.Outputs, "arn")}} {
		s := doc.Statement[i]
		assert.Equal(t, "Allow", s.Effect)
		assert.Equal(t, map[string]any{"Service": "cloudfront.amazonaws.com"}, s.Principal)
		assert.Equal(t, want[0], s.Action)
		assert.Equal(t, want[1], s.Resource)
		assert.Equal(t, map[string]any{"StringEquals": map[string]any{"AWS:SourceArn": str(t, dist.Outputs, "arn")}}, s.Condition)
	}
}

// kirikae:frontendReadAccounts joins the program's own policy, beside
// CloudFront's grant: the promote from another account can list the
// bucket and read the releases and the shared hashed assets they list,
// nothing else, and the next up keeps it.
func TestBucketPolicyGrantsTheReadingAccounts(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	cfg.FrontendReadAccounts = []string{"111122223333", "444455556666"}
	m := run(t, cfg)
	bucketARN := str(t, m.one(t, "aws:s3/bucketV2:BucketV2", "bucket").Outputs, "arn")
	policy := m.one(t, "aws:s3/bucketPolicy:BucketPolicy", "bucket")
	var doc policyDocument
	require.NoError(t, json.Unmarshal([]byte(str(t, policy.Inputs, "policy")), &doc))
	require.Len(t, doc.Statement, 4, "CloudFront's two statements and the readers' two")
	assert.Equal(t, "AllowCloudFrontRead", doc.Statement[0].Sid)
	readers := map[string]any{"AWS": []any{"arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"}}
	for i, want := range []struct {
		action   string
		resource any
	}{
		{"s3:GetObject", []any{bucketARN + "/releases/*", bucketARN + "/assets/*"}},
		{"s3:ListBucket", bucketARN},
	} {
		s := doc.Statement[2+i]
		assert.Equal(t, "Allow", s.Effect)
		assert.Equal(t, readers, s.Principal)
		assert.Equal(t, want.action, s.Action)
		assert.Equal(t, want.resource, s.Resource)
		assert.Nil(t, s.Condition)
	}
}

func TestFrontendDisabledCreatesNoFrontend(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	cfg.FrontendEnabled = false
	m := run(t, cfg)
	assert.Empty(t, m.ofType("aws:s3/bucketV2:BucketV2"))
	assert.Empty(t, m.ofType(typeDistribution))
}
