package core

// OIDCProvider is an IAM OpenID Connect identity provider of the account:
// the issuer URL, the audiences (client ids) it accepts and the
// thumbprints given, as CreateOpenIDConnectProvider stores them. Its ARN
// names the URL without its scheme.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html
type OIDCProvider struct {
	Arn         string   `json:"arn"`
	URL         string   `json:"url"`
	ClientIDs   []string `json:"clientIds,omitempty"`
	Thumbprints []string `json:"thumbprints,omitempty"`
	CreateDate  string   `json:"createDate"`
}
