package sandbox

import (
	"errors"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/iam"
	"github.com/kirikae/kirikae/sandbox/provider"
)

type (
	// SessionCredentials are a role session's temporary credentials.
	SessionCredentials = core.SessionCredentials
	// ProviderCredentials are what the provider acts as (Options).
	ProviderCredentials = provider.Credentials
)

// accountTrust lets principals of the account assume a role, as
// `aws iam create-role` is given for a role the account's own users take:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
func accountTrust(account string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account +
		`:root"},"Action":"sts:AssumeRole"}]}`
}

// HasRole reports whether the account holds the IAM role name.
func (a *Account) HasRole(name string) (bool, error) {
	found := false
	err := a.View(func(st *core.State) error {
		found = st.Roles[name] != nil
		return nil
	})
	return found, err
}

// CreateRole creates the role with its inline policies (name → document),
// as `aws iam create-role` and `aws iam put-role-policy` do.
func (a *Account) CreateRole(name string, policies map[string]string) error {
	return a.CreateRoleTrusting(name, accountTrust(a.ID()), policies)
}

// PutRolePolicy adds or replaces one inline policy of a role, as
// `aws iam put-role-policy` does.
func (a *Account) PutRolePolicy(role, name, document string) error {
	return a.Update(func(st *core.State) error { return iam.PutRolePolicy(st, role, name, document) })
}

// AssumeRole issues a session of the role, as `aws sts assume-role` does;
// nothing is written to the account.
func (a *Account) AssumeRole(role, session string) (SessionCredentials, error) {
	var c SessionCredentials
	err := a.View(func(st *core.State) error {
		var err error
		c, err = iam.AssumeRole(st, a.ID(), role, session, time.Hour)
		return err
	})
	var apiErr *core.APIError
	if errors.As(err, &apiErr) {
		return c, errors.New("assume role " + role + ": " + apiErr.Error())
	}
	return c, err
}
