package iam

import (
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
)

// An OpenID Connect identity provider lets the account trust tokens of an
// outside issuer (GitHub Actions, for kirikae's pipeline): roles name its
// ARN as a Federated principal, and STS's AssumeRoleWithWebIdentity
// verifies tokens against it.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html

// CreateOIDCProvider registers an issuer as CreateOpenIDConnectProvider
// does: an https URL (255 characters at most), up to 100 client ids of 255
// characters, thumbprints of 40 hex digits, one provider per URL
// (EntityAlreadyExists). The ARN is the URL without its scheme, kept as
// given, a trailing slash included (the issuer's iss must then carry it).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html
func CreateOIDCProvider(st *core.State, account, rawURL string, clientIDs, thumbprints []string) (*core.OIDCProvider, error) {
	host, ok := strings.CutPrefix(rawURL, "https://")
	if u, err := url.Parse(rawURL); !ok || err != nil || u.Host == "" || len(rawURL) > 255 || u.RawQuery != "" || u.Fragment != "" {
		return nil, core.BadRequest("ValidationError", "The URL of the identity provider must begin with https:// and name a host, without query or fragment, in at most 255 characters: "+rawURL)
	}
	if len(clientIDs) > 100 {
		return nil, core.BadRequest("LimitExceeded", "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100")
	}
	for _, c := range clientIDs {
		if c == "" || len(c) > 255 {
			return nil, core.BadRequest("ValidationError", "A client ID must have 1 to 255 characters")
		}
	}
	for _, tp := range thumbprints {
		if len(tp) != 40 || strings.Trim(strings.ToLower(tp), "0123456789abcdef") != "" {
			return nil, core.BadRequest("ValidationError", "A thumbprint must be 40 hexadecimal characters: "+tp)
		}
	}
	arn := "arn:aws:iam::" + account + ":oidc-provider/" + host
	if st.OIDCProviders[arn] != nil {
		return nil, &core.APIError{Status: 409, Code: "EntityAlreadyExists", Message: "Provider with url " + rawURL + " already exists."}
	}
	if st.OIDCProviders == nil {
		st.OIDCProviders = map[string]*core.OIDCProvider{}
	}
	p := &core.OIDCProvider{Arn: arn, URL: "https://" + host, ClientIDs: slices.Clone(clientIDs),
		Thumbprints: slices.Clone(thumbprints), CreateDate: core.Now()}
	st.OIDCProviders[arn] = p
	return p, nil
}

// createOIDCProvider: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html
func createOIDCProvider(st *core.State, account string, f url.Values) (any, error) {
	p, err := CreateOIDCProvider(st, account, f.Get("Url"),
		core.QueryList(f, "ClientIDList", "member"), core.QueryList(f, "ThumbprintList", "member"))
	if err != nil {
		return nil, err
	}
	return struct{ OpenIDConnectProviderArn string }{p.Arn}, nil
}

// getOIDCProvider: https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetOpenIDConnectProvider.html
// (Url is answered without its scheme, as IAM does).
func getOIDCProvider(st *core.State, f url.Values) (any, error) {
	arn := f.Get("OpenIDConnectProviderArn")
	p := st.OIDCProviders[arn]
	if p == nil {
		return nil, core.NotFound("NoSuchEntity", "OpenIDConnect Provider not found for arn "+arn)
	}
	return struct {
		Url            string
		ClientIDList   core.Members[string]
		ThumbprintList core.Members[string]
		CreateDate     string
	}{strings.TrimPrefix(p.URL, "https://"), core.Members[string]{Member: p.ClientIDs},
		core.Members[string]{Member: p.Thumbprints}, p.CreateDate}, nil
}

// listOIDCProviders: https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListOpenIDConnectProviders.html
func listOIDCProviders(st *core.State, _ url.Values) (any, error) {
	type entry struct{ Arn string }
	var out struct{ OpenIDConnectProviderList core.Members[entry] }
	for _, arn := range slices.Sorted(maps.Keys(st.OIDCProviders)) {
		out.OpenIDConnectProviderList.Member = append(out.OpenIDConnectProviderList.Member, entry{arn})
	}
	return out, nil
}
