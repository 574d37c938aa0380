package cloudfront

import (
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
)

// Register adds the cloudfront resource types to the provider's registry.
func Register() {
	registerFunctions()
	core.Register(
		&core.TypeSpec{Token: "aws:cloudfront/originAccessControl:OriginAccessControl", Name: "name", NameMax: 64,
			Required:  []string{"originAccessControlOriginType", "signingBehavior", "signingProtocol"},
			Immutable: []string{"name"},
			Create: func(e *core.Env) (string, error) {
				id := "E" + e.Upper(13)
				e.Put("etag", "E"+e.Upper(13))
				e.Put("arn", e.Arn("cloudfront", "", "origin-access-control/"+id))
				return id, nil
			},
			Update: func(e *core.Env) error { e.Put("etag", etag(e)); return nil }},
		// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateResponseHeadersPolicy.html
		&core.TypeSpec{Token: "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", Name: "name", NameMax: 128,
			Create: func(e *core.Env) (string, error) {
				hex := func(n int) string { return e.Alnum(n, "0123456789abcdef") }
				e.Put("etag", etag(e))
				return hex(8) + "-" + hex(4) + "-" + hex(4) + "-" + hex(4) + "-" + hex(12), nil
			},
			Update: func(e *core.Env) error { e.Put("etag", etag(e)); return nil }},
		&core.TypeSpec{Token: "aws:cloudfront/distribution:Distribution",
			Required: []string{"defaultCacheBehavior", "enabled", "origins", "restrictions", "viewerCertificate"},
			Defaults: map[string]any{"waitForDeployment": true, "retainOnDelete": false, "isIpv6Enabled": false,
				"httpVersion": "http2", "priceClass": "PriceClass_All"},
			Create: func(e *core.Env) (string, error) {
				id := "E" + e.Upper(13)
				e.Put("arn", e.Arn("cloudfront", "", "distribution/"+id))
				e.Put("domainName", strings.ToLower(id)+".cloudfront.net")
				e.Put("hostedZoneId", "Z2FDTNDATAQYW2")
				e.Put("status", "Deployed")
				e.Put("etag", "E"+e.Upper(13))
				e.Put("callerReference", "kirikae-"+e.Lower(12))
				e.Put("lastModifiedTime", core.Now())
				e.Put("inProgressValidationBatches", 0.0)
				return id, nil
			},
			Update: func(e *core.Env) error {
				e.Put("etag", etag(e))
				e.Put("lastModifiedTime", core.Now())
				return nil
			}},
	)
}

// etag changes on every CloudFront update, as AWS's does.
func etag(e *core.Env) string { return "E" + e.Upper(13) }
