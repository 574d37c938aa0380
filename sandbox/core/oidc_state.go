package core

import (
	"net/http"
	"net/url"
)

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

// unsignedOperations are the calls AWS serves without a signature: STS's
// AssumeRoleWithWebIdentity is authenticated by the token it carries
// ("Calling AssumeRoleWithWebIdentity does not require the use of AWS
// security credentials").
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
var unsignedOperations = map[string]string{"AssumeRoleWithWebIdentity": "sts"}

// unsignedService is the service of a request that carries no
// Authorization header and is one of unsignedOperations (an awsQuery
// form naming its Action); ok is false for every other request, which
// must be signed.
func unsignedService(r *http.Request, body []byte) (string, bool) {
	if r.Header.Get("Authorization") != "" || r.Method != http.MethodPost || r.URL.Query().Has("X-Amz-Signature") {
		return "", false
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return "", false
	}
	svc, ok := unsignedOperations[form.Get("Action")]
	return svc, ok
}
