package sts

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
)

const issuer = "https://issuer.example.com"

// account holds one provider for issuer, accepting audience "sts", and the
// issuer's published key; sign makes tokens with that key.
func account(t *testing.T) (*core.State, func(jwt.Claims) string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	set, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "ES256"}}})
	require.NoError(t, err)
	st := core.NewState()
	arn := "arn:aws:iam::111122223333:oidc-provider/issuer.example.com"
	st.OIDCProviders = map[string]*core.OIDCProvider{arn: {Arn: arn, URL: issuer, ClientIDs: []string{"sts"}}}
	st.OIDCKeys = map[string]string{issuer: string(set)}
	st.Roles = map[string]*core.IAMRole{"r": {Name: "r", AssumeRolePolicy: "{}"}}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}}, nil)
	require.NoError(t, err)
	return st, func(c jwt.Claims) string {
		s, err := jwt.Signed(signer).Claims(c).Serialize()
		require.NoError(t, err)
		return s
	}
}

// The token checks STS makes before any trust policy, each with the
// error the API reference lists for it.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html#API_AssumeRoleWithWebIdentity_Errors
func TestWebIdentityTokenChecks(t *testing.T) {
	st, sign := account(t)
	now := time.Now()
	valid := jwt.Claims{Issuer: issuer, Subject: "s", Audience: jwt.Audience{"other", "sts"}, Expiry: jwt.NewNumericDate(now.Add(time.Minute))}
	c, p, err := verifyWebIdentity(st, sign(valid), now)
	require.NoError(t, err, "one of several audiences is the provider's")
	assert.Equal(t, "s", c.Subject)
	assert.Equal(t, map[string][]string{"issuer.example.com:aud": {"sts"}, "issuer.example.com:sub": {"s"}}, conditionKeys(p, c))

	slash := valid
	slash.Issuer = issuer + "/"
	_, _, err = verifyWebIdentity(st, sign(slash), now)
	assert.Error(t, err, "the issuer must match the provider exactly")

	for name, c := range map[string]struct {
		claims jwt.Claims
		code   string
	}{
		"no exp":         {jwt.Claims{Issuer: issuer, Subject: "s", Audience: jwt.Audience{"sts"}}, "InvalidIdentityToken"},
		"not yet valid":  {jwt.Claims{Issuer: issuer, Audience: jwt.Audience{"sts"}, Expiry: valid.Expiry, NotBefore: jwt.NewNumericDate(now.Add(time.Hour))}, "InvalidIdentityToken"},
		"expired":        {jwt.Claims{Issuer: issuer, Audience: jwt.Audience{"sts"}, Expiry: jwt.NewNumericDate(now.Add(-time.Hour))}, "ExpiredTokenException"},
		"no provider":    {jwt.Claims{Issuer: "https://elsewhere.example.com", Audience: jwt.Audience{"sts"}, Expiry: valid.Expiry}, "InvalidIdentityToken"},
		"wrong audience": {jwt.Claims{Issuer: issuer, Audience: jwt.Audience{"other"}, Expiry: valid.Expiry}, "InvalidIdentityToken"},
	} {
		_, _, err := verifyWebIdentity(st, sign(c.claims), now)
		require.Error(t, err, name)
		assert.Equal(t, c.code, err.(*core.APIError).Code, name)
	}

	delete(st.OIDCKeys, issuer)
	_, _, err = verifyWebIdentity(st, sign(valid), now)
	assert.Equal(t, "IDPCommunicationError", err.(*core.APIError).Code, "no published keys: STS cannot verify")
}

// The request's own parameters: a session name of 2 to 64 characters,
// a duration within the role's maximum, an existing role of the account
// (else AccessDenied, as for a trust policy that refuses).
func TestWebIdentityRequestChecks(t *testing.T) {
	st, sign := account(t)
	TrustAllows = func(string, string, string, string, map[string][]string) (bool, error) { return true, nil }
	t.Cleanup(func() { TrustAllows = nil })
	token := sign(jwt.Claims{Issuer: issuer, Subject: "s", Audience: jwt.Audience{"sts"}, Expiry: jwt.NewNumericDate(time.Now().Add(time.Minute))})
	form := func(role, session, d string) url.Values {
		f := url.Values{"RoleArn": {"arn:aws:iam::111122223333:role/" + role}, "RoleSessionName": {session}, "WebIdentityToken": {token}}
		if d != "" {
			f.Set("DurationSeconds", d)
		}
		return f
	}
	_, err := assumeRoleWithWebIdentity(st, "111122223333", form("r", "ci", ""))
	require.NoError(t, err)
	for name, c := range map[string]struct {
		f    url.Values
		code string
	}{
		"short session name":      {form("r", "x", ""), "ValidationError"},
		"over the role's maximum": {form("r", "ci", "7200"), "ValidationError"},
		"no such role":            {form("nope", "ci", ""), "AccessDenied"},
	} {
		_, err := assumeRoleWithWebIdentity(st, "111122223333", c.f)
		require.Error(t, err, name)
		assert.Equal(t, c.code, err.(*core.APIError).Code, name)
	}
}
