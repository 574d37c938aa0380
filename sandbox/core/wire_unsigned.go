package core

import (
	"net/http"
	"net/url"
)

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
