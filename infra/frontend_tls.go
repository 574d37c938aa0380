package infra

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/stacks"
)

// cloudFrontTLSPolicy is the viewer security policy with a custom
// certificate: TLS 1.2 and newer with AWS's recommended ciphers.
const cloudFrontTLSPolicy = "TLSv1.2_2021"

// hstsMaxAge is two years, the value the HSTS preload list asks for.
const hstsMaxAge = 63072000

// viewerCertificate is the distribution's TLS setup. With
// kirikae:frontendCertificateArn it is that ACM certificate over SNI with
// TLSv1.2_2021 as the minimum. Without one CloudFront serves its own
// *.cloudfront.net certificate, and then "CloudFront automatically sets the
// security policy to TLSv1 regardless of the value that you set"
// (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ViewerCertificate.html),
// so asking for TLSv1.2_2021 there would only be a perpetual diff: a custom
// certificate is the way to enforce TLS 1.2.
func viewerCertificate(cfg stacks.Config) *cloudfront.DistributionViewerCertificateArgs {
	if cfg.FrontendCertificateARN == "" {
		return &cloudfront.DistributionViewerCertificateArgs{
			CloudfrontDefaultCertificate: pulumi.Bool(true),
		}
	}
	return &cloudfront.DistributionViewerCertificateArgs{
		AcmCertificateArn:      pulumi.String(cfg.FrontendCertificateARN),
		SslSupportMethod:       pulumi.String("sni-only"),
		MinimumProtocolVersion: pulumi.String(cloudFrontTLSPolicy),
	}
}

// frontendAliases is the alternate domain name the certificate covers.
func frontendAliases(cfg stacks.Config) pulumi.StringArray {
	if cfg.FrontendDomain == "" {
		return nil
	}
	return pulumi.StringArray{pulumi.String(cfg.FrontendDomain)}
}

// newSecurityHeaders is the response headers policy every frontend response
// carries: HSTS (browsers never fall back to HTTP), nosniff, frame denial
// (no clickjacking) and a referrer policy that keeps paths on the site:
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html#understanding-response-headers-policies-security
func newSecurityHeaders(ctx *pulumi.Context, cfg stacks.Config, f *frontend) (*cloudfront.ResponseHeadersPolicy, error) {
	policy, err := cloudfront.NewResponseHeadersPolicy(ctx, "security-headers", &cloudfront.ResponseHeadersPolicyArgs{
		Name:    pulumi.String(physicalName(cfg, "security-headers")),
		Comment: pulumi.String("kirikae frontend security headers"),
		SecurityHeadersConfig: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigArgs{
			StrictTransportSecurity: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurityArgs{
				AccessControlMaxAgeSec: pulumi.Int(hstsMaxAge),
				IncludeSubdomains:      pulumi.Bool(true),
				Override:               pulumi.Bool(true),
			},
			ContentTypeOptions: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentTypeOptionsArgs{
				Override: pulumi.Bool(true),
			},
			FrameOptions: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigFrameOptionsArgs{
				FrameOption: pulumi.String("DENY"),
				Override:    pulumi.Bool(true),
			},
			ReferrerPolicy: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigReferrerPolicyArgs{
				ReferrerPolicy: pulumi.String("strict-origin-when-cross-origin"),
				Override:       pulumi.Bool(true),
			},
		},
	}, pulumi.Parent(f))
	if err != nil {
		return nil, fmt.Errorf("create security headers policy: %w", err)
	}
	return policy, nil
}
