package iam

import (
	"fmt"
	"regexp"
	"sync"

	"github.com/kirikae/kirikae/sandbox/core"
)

// roleName is IAM's rule for role names:
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
var roleName = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

// Role is an IAM role of one account with its inline policies.
type Role struct {
	Name     string
	Account  string
	Policies []Document
}

// ARN is the role's ARN.
func (r *Role) ARN() string { return "arn:aws:iam::" + r.Account + ":role/" + r.Name }

// SessionARN is the assumed-role principal a session of the role acts as:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
func (r *Role) SessionARN(session string) string {
	return "arn:aws:sts::" + r.Account + ":assumed-role/" + r.Name + "/" + session
}

// Directory maps access keys to the role sessions they belong to. A key it
// does not know is not a role's: the caller is the account's
// administrator, as the sandbox's own credentials always were.
type Directory struct {
	mu    sync.RWMutex
	byKey map[string]session
	// acct holds the roles created through IAM's API; its STS signs the
	// sessions of those roles (core.MintSession).
	acct *core.Account
}

// NewDirectory is the directory of the account's roles and sessions.
func NewDirectory(a *core.Account) *Directory { return &Directory{acct: a} }

type session struct {
	role   *Role
	name   string
	secret string
}

// Secret returns the secret access key of a role session's access key.
func (d *Directory) Secret(accessKey string) (string, bool) {
	if d == nil {
		return "", false
	}
	d.mu.RLock()
	s, ok := d.byKey[accessKey]
	d.mu.RUnlock()
	if !ok && d.acct != nil && core.IsSessionKey(accessKey) {
		return core.SessionSecret(d.acct.ID(), accessKey), true
	}
	return s.secret, ok
}

// IsRole reports whether accessKey is a role session's (a bound key or
// temporary credentials), not the account administrator's.
func (d *Directory) IsRole(accessKey string) bool {
	_, ok := d.Secret(accessKey)
	return ok
}

// Bind gives role a session whose requests are signed with accessKey and
// secret.
func (d *Directory) Bind(accessKey, secret, sessionName string, role *Role) error {
	if !roleName.MatchString(role.Name) {
		return fmt.Errorf("bind role: ValidationError: role name %q must match [\\w+=,.@-]{1,64}", role.Name)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.byKey == nil {
		d.byKey = map[string]session{}
	}
	d.byKey[accessKey] = session{role: role, name: sessionName, secret: secret}
	return nil
}

// Authorize decides one request signed with accessKey. It returns nil when
// the key is no role's (administrator) or the role's policies allow the
// request, and an *AccessDeniedError otherwise. The request context gets
// the principal's global keys (aws:PrincipalAccount, aws:PrincipalArn),
// which policies also use as variables.
func (d *Directory) Authorize(accessKey string, r Request) error {
	return d.AuthorizeSession(accessKey, "", r)
}

// AuthorizeSession is Authorize for a request that also carries a session
// token (X-Amz-Security-Token): temporary credentials of a role created
// in the account are decided against the policies that role holds now.
func (d *Directory) AuthorizeSession(accessKey, token string, r Request) error {
	return d.AuthorizeIn(nil, accessKey, token, r)
}

// AuthorizeIn is AuthorizeSession for a caller already holding the
// account's state (st; nil reads it): the provider, inside its update.
func (d *Directory) AuthorizeIn(st *core.State, accessKey, token string, r Request) error {
	if d == nil {
		return nil
	}
	d.mu.RLock()
	s, ok := d.byKey[accessKey]
	d.mu.RUnlock()
	if !ok && d.acct != nil && core.IsSessionKey(accessKey) {
		var err error
		if s, err = d.session(st, accessKey, token); err != nil {
			return err
		}
		ok = true
	}
	if !ok {
		return nil
	}
	ctx := Context{}
	for k, v := range r.Context {
		ctx[k] = v
	}
	ctx.Set("aws:PrincipalAccount", s.role.Account)
	ctx.Set("aws:PrincipalArn", s.role.ARN())
	r.Context = ctx
	dec := Evaluate(s.role.Policies, r)
	record(Access{Account: s.role.Account, Role: s.role.Name, Request: r, Decision: dec})
	switch dec {
	case Allowed:
		return nil
	case ExplicitDeny:
		return &AccessDeniedError{Principal: s.role.SessionARN(s.name), Role: s.role.Name, Action: r.Action, Resource: r.Resource, Explicit: true}
	}
	return &AccessDeniedError{Principal: s.role.SessionARN(s.name), Role: s.role.Name, Action: r.Action, Resource: r.Resource}
}

// AccessDeniedError is AWS's refusal. Its message is the one AWS returns
// for identity-based policies:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
// Services answer it as AccessDenied (S3, query protocols) or
// AccessDeniedException (JSON protocols); the endpoint picks the code.
type AccessDeniedError struct {
	Principal string // arn:aws:sts::ACCT:assumed-role/ROLE/SESSION
	Role      string
	Action    string
	Resource  string
	Explicit  bool
}

func (e *AccessDeniedError) Error() string {
	on := ""
	if e.Resource != "" && e.Resource != "*" {
		on = " on resource: " + e.Resource
	}
	if e.Explicit {
		return "User: " + e.Principal + " is not authorized to perform: " + e.Action + on +
			" with an explicit deny in an identity-based policy"
	}
	return "User: " + e.Principal + " is not authorized to perform: " + e.Action + on +
		" because no identity-based policy allows the " + e.Action + " action"
}

// session reads the session a token carries and its role's policies as
// they are in the account now.
func (d *Directory) session(st *core.State, accessKey, token string) (session, error) {
	rs, err := core.SessionOf(d.acct.ID(), accessKey, token)
	if err != nil {
		return session{}, &core.APIError{Status: 403, Code: "InvalidClientTokenId", Message: err.Error()}
	}
	var docs []Document
	read := func(st *core.State) error {
		r := st.Roles[rs.Role]
		if r == nil {
			return &core.APIError{Status: 403, Code: "InvalidClientTokenId",
				Message: "the security token included in the request is invalid: role " + rs.Role + " no longer exists"}
		}
		docs, err = rolePolicies(r)
		return err
	}
	if st != nil {
		err = read(st)
	} else {
		err = d.acct.View(read)
	}
	if err != nil {
		return session{}, err
	}
	return session{role: &Role{Name: rs.Role, Account: d.acct.ID(), Policies: docs}, name: rs.Name}, nil
}
