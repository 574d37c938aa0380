package s3

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The policy kirikae writes for kirikae:frontendReadAccounts, beside
// CloudFront's grant (infra/frontend_switch.go).
const promotePolicy = `{"Version":"2012-10-17","Statement":[
{"Sid":"AllowCloudFrontRead","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*","Condition":{"StringEquals":{"AWS:SourceArn":"arn:aws:cloudfront::111111111111:distribution/E1"}}},
{"Sid":"AllowPromoteRead","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::222222222222:root"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::site/releases/*"},
{"Sid":"AllowPromoteList","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::222222222222:root"]},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::site"}]}`

func TestBucketPolicyDecidesCrossAccountReads(t *testing.T) {
	for _, c := range []struct {
		name, policy, account, action, resource string
		want                                    bool
	}{
		{"granted account reads a release", promotePolicy, "222222222222", "s3:GetObject", "arn:aws:s3:::site/releases/r1/index.html", true},
		{"granted account lists", promotePolicy, "222222222222", "s3:ListBucket", "arn:aws:s3:::site", true},
		{"outside releases/", promotePolicy, "222222222222", "s3:GetObject", "arn:aws:s3:::site/secret.txt", false},
		{"another account", promotePolicy, "333333333333", "s3:GetObject", "arn:aws:s3:::site/releases/r1/index.html", false},
		{"CloudFront's grant names no account", promotePolicy, "111111111111", "s3:GetObject", "arn:aws:s3:::site/releases/r1/index.html", false},
		{"no policy", "", "222222222222", "s3:GetObject", "arn:aws:s3:::site/releases/r1/index.html", false},
		{"explicit deny wins", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"},` +
			`{"Effect":"Deny","Principal":{"AWS":"222222222222"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`,
			"222222222222", "s3:GetObject", "arn:aws:s3:::site/releases/r1/index.html", false},
	} {
		assert.Equal(t, c.want, bucketPolicyAllows(c.policy, c.account, c.action, c.resource), c.name)
	}
}
