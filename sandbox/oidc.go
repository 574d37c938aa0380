package sandbox

import (
	"encoding/json"
	"errors"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/iam"
)

// PublishOIDCKeys sets the JSON Web Key Set an OpenID Connect issuer
// (e.g. https://token.actions.githubusercontent.com) publishes at its
// jwks_uri. AWS STS fetches those keys to verify the tokens given to
// AssumeRoleWithWebIdentity; the sandbox reaches no issuer on the
// internet, so a test registers the keys of the issuer it plays instead.
// This is the sandbox's one addition to AWS here: the IAM provider itself
// is created through IAM's API (CreateOpenIDConnectProvider), as on AWS.
// https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
func (a *Account) PublishOIDCKeys(issuer string, jwks []byte) error {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(jwks, &set); err != nil || len(set.Keys) == 0 {
		return errors.New("publish OIDC keys: not a JSON Web Key Set with keys")
	}
	return a.Update(func(st *core.State) error {
		if st.OIDCKeys == nil {
			st.OIDCKeys = map[string]string{}
		}
		st.OIDCKeys[issuer] = string(jwks)
		return nil
	})
}

// CreateRoleTrusting creates the role with the given trust policy and
// inline policies, as `aws iam create-role --assume-role-policy-document`
// and `aws iam put-role-policy` do.
func (a *Account) CreateRoleTrusting(name, trust string, policies map[string]string) error {
	return a.Update(func(st *core.State) error {
		if _, err := iam.CreateRole(st, a.ID(), name, trust); err != nil {
			return err
		}
		for pn, doc := range policies {
			if err := iam.PutRolePolicy(st, name, pn, doc); err != nil {
				return err
			}
		}
		return nil
	})
}
