package iam

import (
	"fmt"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
)

// Roles created through IAM's API live in the account's state
// (core.IAMRole); a session of one is authorised against the inline
// policies the role holds when the request arrives, read as documents.

// CreateRole creates a role as CreateRole does: a name IAM accepts, unique
// in the account (EntityAlreadyExists otherwise), with its trust policy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
func CreateRole(st *core.State, account, name, trust string) (*core.IAMRole, error) {
	if !roleName.MatchString(name) {
		return nil, core.BadRequest("ValidationError", fmt.Sprintf("1 validation error detected: Value '%s' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", name))
	}
	// A trust policy names principals, not resources (trust.go).
	if _, err := ParseTrust([]byte(trust)); err != nil {
		return nil, core.BadRequest("MalformedPolicyDocument", "The assume role policy document is not valid: "+err.Error())
	}
	if st.Roles[name] != nil {
		return nil, &core.APIError{Status: 409, Code: "EntityAlreadyExists", Message: "Role with name " + name + " already exists."}
	}
	if st.Roles == nil {
		st.Roles = map[string]*core.IAMRole{}
	}
	st.Seq++
	r := &core.IAMRole{Name: name, Arn: "arn:aws:iam::" + account + ":role/" + name,
		RoleID: "AROA" + core.StableDigits(name+account, 17), AssumeRolePolicy: trust, CreateDate: core.Now()}
	st.Roles[name] = r
	return r, nil
}

// PutRolePolicy adds or replaces an inline policy of a role; the document
// must parse as a policy (MalformedPolicyDocument otherwise).
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html
func PutRolePolicy(st *core.State, role, name, document string) error {
	r := st.Roles[role]
	if r == nil {
		return noSuchRole(role)
	}
	if _, err := Parse([]byte(document)); err != nil {
		return core.BadRequest("MalformedPolicyDocument", "The policy document is not valid JSON: "+err.Error())
	}
	if r.Policies == nil {
		r.Policies = map[string]string{}
	}
	r.Policies[name] = document
	return nil
}

// DeleteRolePolicy removes an inline policy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRolePolicy.html
func DeleteRolePolicy(st *core.State, role, name string) error {
	r := st.Roles[role]
	if r == nil {
		return noSuchRole(role)
	}
	if _, ok := r.Policies[name]; !ok {
		return core.NotFound("NoSuchEntity", "The role policy with name "+name+" cannot be found.")
	}
	delete(r.Policies, name)
	return nil
}

func noSuchRole(name string) error {
	return core.NotFound("NoSuchEntity", "The role with name "+name+" cannot be found.")
}

// AssumeRole issues a session of the role, as STS's AssumeRole does (the
// trust policy is not evaluated: every caller of the sandbox is its
// owner). Nothing is written: the session lives in its token.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
func AssumeRole(st *core.State, account, role, session string, d time.Duration) (core.SessionCredentials, error) {
	if st.Roles[role] == nil {
		return core.SessionCredentials{}, noSuchRole(role)
	}
	if d <= 0 {
		d = time.Hour // DurationSeconds' default
	}
	return core.MintSession(account, role, session, d)
}

// rolePolicies reads the role's inline policies as IAM evaluates them.
func rolePolicies(r *core.IAMRole) ([]Document, error) {
	var out []Document
	for name, raw := range r.Policies {
		d, err := Parse([]byte(raw))
		if err != nil {
			return nil, fmt.Errorf("role %s policy %s: %w", r.Name, name, err)
		}
		out = append(out, d)
	}
	return out, nil
}
