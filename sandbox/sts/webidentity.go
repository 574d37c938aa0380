package sts

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/kirikae/kirikae/sandbox/core"
)

// TrustAllows decides an assumption against a role's trust policy (the
// iam package's evaluation, set in services.go since no service imports
// another): principalType and principalID name the caller as a Principal
// element would, keys are the request's condition keys.
var TrustAllows func(policy, principalType, principalID, action string, keys map[string][]string) (bool, error)

// sessionName is STS's pattern for RoleSessionName (2 to 64 characters).
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
var sessionName = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

// webIdentityAlgorithms are the signature algorithms STS accepts for OIDC
// ID tokens: RSA and ECDSA keys.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
var webIdentityAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512}

// notAuthorized is STS's refusal when the trust policy does not let the
// token's identity assume the role (or there is no such role: STS does
// not say which).
func notAuthorized() error {
	return &core.APIError{Status: http.StatusForbidden, Code: "AccessDenied", Message: "Not authorized to perform sts:AssumeRoleWithWebIdentity"}
}

func invalidToken(why string) error {
	return core.BadRequest("InvalidIdentityToken", why)
}

// assumeRoleWithWebIdentity issues a session of a role to the bearer of an
// OIDC ID token, as STS does: the token must be a JWT signed by a key its
// issuer publishes, its iss an OpenID Connect provider of the account, one
// of its audiences a client id of that provider, and it must not have
// expired; then the role's trust policy decides, with the provider's ARN
// as the Federated principal and the token's claims as condition keys.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_oidc.html
func assumeRoleWithWebIdentity(st *core.State, account string, f url.Values) (any, error) {
	roleARN, session, token := f.Get("RoleArn"), f.Get("RoleSessionName"), f.Get("WebIdentityToken")
	if len(roleARN) < 20 || !sessionName.MatchString(session) || len(token) < 4 || len(token) > 20000 {
		return nil, core.BadRequest("ValidationError", "RoleArn, a RoleSessionName of 2 to 64 characters [\\w+=,.@-] and a WebIdentityToken of 4 to 20000 characters are required")
	}
	d, err := duration(f)
	if err != nil {
		return nil, err
	}
	claims, provider, err := verifyWebIdentity(st, token, time.Now())
	if err != nil {
		return nil, err
	}
	name, ok := strings.CutPrefix(roleARN, "arn:aws:iam::"+account+":role/")
	role := st.Roles[name]
	if !ok || role == nil {
		return nil, notAuthorized()
	}
	// A role created through the API has IAM's default maximum session
	// duration, one hour (GetRole answers MaxSessionDuration 3600).
	if d > time.Hour {
		return nil, core.BadRequest("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	allowed, err := TrustAllows(role.AssumeRolePolicy, "Federated", provider.Arn, "sts:AssumeRoleWithWebIdentity", conditionKeys(provider, claims))
	if err != nil || !allowed {
		return nil, notAuthorized()
	}
	c, err := core.MintSession(account, name, session, d)
	if err != nil {
		return nil, err
	}
	type credentials struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
	type assumed struct{ AssumedRoleId, Arn string }
	aud, _ := audienceOf(provider, claims)
	return struct {
		Credentials                 credentials
		SubjectFromWebIdentityToken string
		AssumedRoleUser             assumed
		Provider                    string
		Audience                    string
	}{
		credentials{c.AccessKeyID, c.SecretAccessKey, c.SessionToken, c.Expiration.Format(time.RFC3339)},
		claims.Subject,
		assumed{role.RoleID + ":" + session, "arn:aws:sts::" + account + ":assumed-role/" + name + "/" + session},
		claims.Issuer, aud,
	}, nil
}

// duration reads DurationSeconds: 900 to 43200 seconds, an hour when not
// given.
func duration(f url.Values) (time.Duration, error) {
	s := f.Get("DurationSeconds")
	if s == "" {
		return time.Hour, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 900 || n > 43200 {
		return 0, core.BadRequest("ValidationError", "DurationSeconds must be between 900 and 43200")
	}
	return time.Duration(n) * time.Second, nil
}

// verifyWebIdentity checks the token and returns its claims and the
// account's provider for its issuer.
func verifyWebIdentity(st *core.State, token string, now time.Time) (jwt.Claims, *core.OIDCProvider, error) {
	tok, err := jwt.ParseSigned(token, webIdentityAlgorithms)
	if err != nil {
		return jwt.Claims{}, nil, invalidToken("The web identity token is not a signed JWT: " + err.Error())
	}
	var unverified jwt.Claims
	if err := tok.UnsafeClaimsWithoutVerification(&unverified); err != nil {
		return jwt.Claims{}, nil, invalidToken("The web identity token's claims cannot be read: " + err.Error())
	}
	provider := providerFor(st, unverified.Issuer)
	if provider == nil {
		return jwt.Claims{}, nil, invalidToken("No OpenIDConnect provider found in your account for " + unverified.Issuer)
	}
	// STS fetches the keys from the issuer's jwks_uri; the sandbox holds
	// what that would serve (core.State.OIDCKeys).
	raw, ok := st.OIDCKeys[provider.URL]
	var keys jose.JSONWebKeySet
	if !ok || json.Unmarshal([]byte(raw), &keys) != nil {
		return jwt.Claims{}, nil, core.BadRequest("IDPCommunicationError", "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements")
	}
	var claims jwt.Claims
	if err := tok.Claims(keys, &claims); err != nil {
		return jwt.Claims{}, nil, invalidToken("The web identity token's signature could not be verified with the keys of " + provider.URL)
	}
	if claims.Expiry == nil {
		return jwt.Claims{}, nil, invalidToken("The web identity token has no exp claim")
	}
	switch err := claims.ValidateWithLeeway(jwt.Expected{Issuer: unverified.Issuer, Time: now}, jwt.DefaultLeeway); err {
	case nil:
	case jwt.ErrExpired:
		return jwt.Claims{}, nil, core.BadRequest("ExpiredTokenException", "Token expired: current date/time "+now.UTC().Format(time.RFC3339)+
			" must be before the expiration date/time "+claims.Expiry.Time().UTC().Format(time.RFC3339))
	default:
		return jwt.Claims{}, nil, invalidToken("The web identity token is not valid now: " + err.Error())
	}
	if _, ok := audienceOf(provider, claims); !ok {
		return jwt.Claims{}, nil, invalidToken("Incorrect token audience")
	}
	return claims, provider, nil
}

// providerFor is the account's provider whose URL is the issuer, as
// written.
func providerFor(st *core.State, issuer string) *core.OIDCProvider {
	for _, p := range st.OIDCProviders {
		if p.URL == issuer {
			return p
		}
	}
	return nil
}

// audienceOf is the token's audience that is one of the provider's client
// ids.
func audienceOf(p *core.OIDCProvider, c jwt.Claims) (string, bool) {
	for _, a := range c.Audience {
		if slices.Contains(p.ClientIDs, a) {
			return a, true
		}
	}
	return "", false
}

// conditionKeys are the request context of a web identity: the token's
// aud and sub under the provider's name (its URL without https://), the
// only claims of a generic OIDC provider that AWS evaluates; other claims
// (GitHub's ref, job_workflow_ref, actor…) are not condition keys.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
func conditionKeys(p *core.OIDCProvider, c jwt.Claims) map[string][]string {
	host := strings.TrimPrefix(p.URL, "https://")
	aud, _ := audienceOf(p, c)
	return map[string][]string{
		host + ":aud": {aud},
		host + ":sub": {c.Subject},
	}
}
