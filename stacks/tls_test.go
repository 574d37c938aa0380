package stacks

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

const (
	testCert   = "arn:aws:acm:us-east-1:123456789012:certificate/0f0e-1d2c"
	testCertEU = "arn:aws:acm:eu-west-1:123456789012:certificate/0f0e-1d2c"
)

func TestCertificatesComeWithTheirDomain(t *testing.T) {
	assert.Nil(t, problemsOf(t, stackYAML("kirikae:certificateArn: "+testCert, "kirikae:apiDomain: api.example.com",
		"kirikae:frontendCertificateArn: "+testCert, "kirikae:frontendDomain: www.example.com")))
	// The load balancer's certificate is in the stack's region (us-east-1
	// in stackYAML), or the listener cannot use it.
	assert.Equal(t, []string{`Pulumi.test.yaml:5: kirikae:certificateArn: "` + testCertEU + `" must be an ACM certificate in aws:region us-east-1 (a load balancer uses certificates of its own region only); request or import it there`},
		problemsOf(t, stackYAML("kirikae:certificateArn: "+testCertEU, "kirikae:apiDomain: api.example.com")))
	assert.Nil(t, problemsOf(t, stackYAML("aws:region: eu-west-1", "kirikae:certificateArn: "+testCertEU, "kirikae:apiDomain: api.example.com")))
	assert.Equal(t, []string{`Pulumi.test.yaml:5: kirikae:certificateArn: "` + testCert + `" needs kirikae:apiDomain (the DNS name the certificate covers)`},
		problemsOf(t, stackYAML("kirikae:certificateArn: "+testCert)))
	assert.Equal(t, []string{`Pulumi.test.yaml:5: kirikae:frontendDomain: "www.example.com" needs kirikae:frontendCertificateArn (a certificate for it)`},
		problemsOf(t, stackYAML("kirikae:frontendDomain: www.example.com")))
	assert.Equal(t, []string{`Pulumi.test.yaml:5: kirikae:frontendCertificateArn: "` + testCertEU + `" must be an ACM certificate in us-east-1 (CloudFront reads certificates only from there)`},
		problemsOf(t, stackYAML("kirikae:frontendCertificateArn: "+testCertEU, "kirikae:frontendDomain: www.example.com")))
	assert.Equal(t, []string{`Pulumi.test.yaml:5: kirikae:certificateArn: "arn:aws:iam::123456789012:server-certificate/x" is not a valid ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)`},
		problemsOf(t, stackYAML("kirikae:certificateArn: arn:aws:iam::123456789012:server-certificate/x", "kirikae:apiDomain: api.example.com")))
}
