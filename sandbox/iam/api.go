package iam

import (
	"maps"
	"net/http"
	"net/url"
	"slices"

	"github.com/kirikae/kirikae/sandbox/core"
)

const (
	xmlns   = "https://iam.amazonaws.com/doc/2010-05-08/"
	tokRole = "aws:iam/role:Role"
)

// Serve answers the IAM calls for the account's roles over the awsQuery
// protocol: the reads, and CreateRole, PutRolePolicy, GetRolePolicy and
// DeleteRolePolicy for roles created through the API (account_roles.go),
// which role sessions are authorised against, and the account's OpenID
// Connect providers (oidc.go), which web identities assume roles through.
func Serve(a *core.Account, w http.ResponseWriter, r *http.Request) {
	a.ServeQuery(w, r, xmlns, map[string]core.QueryOp{
		"ListRoles":        listRoles,
		"GetRole":          getRole,
		"CreateRole":       func(st *core.State, f url.Values) (any, error) { return createRole(st, a.ID(), f) },
		"PutRolePolicy":    putRolePolicy,
		"GetRolePolicy":    getRolePolicy,
		"DeleteRolePolicy": deleteRolePolicy,
		"CreateOpenIDConnectProvider": func(st *core.State, f url.Values) (any, error) {
			return createOIDCProvider(st, a.ID(), f)
		},
		"GetOpenIDConnectProvider":   getOIDCProvider,
		"ListOpenIDConnectProviders": listOIDCProviders,
	}, "CreateRole", "PutRolePolicy", "DeleteRolePolicy", "CreateOpenIDConnectProvider")
}

// apiRoleOf is the Role shape of a role created through the API.
func apiRoleOf(r *core.IAMRole) role {
	return role{Path: "/", RoleName: r.Name, RoleID: r.RoleID, Arn: r.Arn, CreateDate: r.CreateDate,
		AssumeRolePolicyDocument: url.QueryEscape(r.AssumeRolePolicy), MaxSessionDuration: 3600}
}

// createRole: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
func createRole(st *core.State, account string, form url.Values) (any, error) {
	r, err := CreateRole(st, account, form.Get("RoleName"), form.Get("AssumeRolePolicyDocument"))
	if err != nil {
		return nil, err
	}
	return struct{ Role role }{apiRoleOf(r)}, nil
}

// putRolePolicy: https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html
func putRolePolicy(st *core.State, form url.Values) (any, error) {
	return struct{}{}, PutRolePolicy(st, form.Get("RoleName"), form.Get("PolicyName"), form.Get("PolicyDocument"))
}

// getRolePolicy: https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html
// (the document comes back URL-encoded, as IAM answers it).
func getRolePolicy(st *core.State, form url.Values) (any, error) {
	name, policy := form.Get("RoleName"), form.Get("PolicyName")
	r := st.Roles[name]
	if r == nil {
		return nil, noSuchRole(name)
	}
	doc, ok := r.Policies[policy]
	if !ok {
		return nil, core.NotFound("NoSuchEntity", "The role policy with name "+policy+" cannot be found.")
	}
	return struct{ RoleName, PolicyName, PolicyDocument string }{name, policy, url.QueryEscape(doc)}, nil
}

// deleteRolePolicy: https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRolePolicy.html
func deleteRolePolicy(st *core.State, form url.Values) (any, error) {
	return struct{}{}, DeleteRolePolicy(st, form.Get("RoleName"), form.Get("PolicyName"))
}

// role is IAM's Role shape.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html
type role struct {
	Path                     string
	RoleName                 string
	RoleID                   string `xml:"RoleId"`
	Arn                      string
	CreateDate               string
	AssumeRolePolicyDocument string
	Description              string `xml:",omitempty"`
	MaxSessionDuration       int
	Tags                     *core.Members[tag] `xml:",omitempty"`
}

type tag struct{ Key, Value string }

func roleOf(r map[string]any) role {
	out := role{Path: core.StrOf(r, "path"), RoleName: core.StrOf(r, "id"), RoleID: core.StrOf(r, "uniqueId"),
		Arn: core.StrOf(r, "arn"), CreateDate: core.StrOf(r, "createDate"),
		// The policy document is URL-encoded in IAM's answers.
		AssumeRolePolicyDocument: url.QueryEscape(core.StrOf(r, "assumeRolePolicy")),
		Description:              core.StrOf(r, "description"), MaxSessionDuration: core.IntOf(r, "maxSessionDuration")}
	if tags := core.TagsOf(r); len(tags) > 0 {
		out.Tags = &core.Members[tag]{}
		for _, t := range tags {
			out.Tags.Member = append(out.Tags.Member, tag{t.Key, t.Value})
		}
	}
	return out
}

// listRoles: https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoles.html
func listRoles(st *core.State, form url.Values) (any, error) {
	var out struct {
		Roles       core.Members[role]
		IsTruncated bool
	}
	for _, r := range core.NewIndex(st)[tokRole] {
		out.Roles.Member = append(out.Roles.Member, roleOf(r))
	}
	for _, name := range slices.Sorted(maps.Keys(st.Roles)) {
		out.Roles.Member = append(out.Roles.Member, apiRoleOf(st.Roles[name]))
	}
	return out, nil
}

// getRole: https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html
func getRole(st *core.State, form url.Values) (any, error) {
	name := form.Get("RoleName")
	if r := st.Roles[name]; r != nil {
		return struct{ Role role }{apiRoleOf(r)}, nil
	}
	for _, r := range core.NewIndex(st)[tokRole] {
		if core.StrOf(r, "id") == name {
			return struct{ Role role }{roleOf(r)}, nil
		}
	}
	return nil, core.NotFound("NoSuchEntity", "The role with name "+name+" cannot be found.")
}
