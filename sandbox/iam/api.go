package iam

import (
	"net/http"
	"net/url"

	"github.com/kirikae/kirikae/sandbox/core"
)

const (
	xmlns   = "https://iam.amazonaws.com/doc/2010-05-08/"
	tokRole = "aws:iam/role:Role"
)

// Serve answers the IAM read calls for the account's roles, over the
// awsQuery protocol.
func Serve(a *core.Account, w http.ResponseWriter, r *http.Request) {
	a.ServeQuery(w, r, xmlns, map[string]core.QueryOp{
		"ListRoles": listRoles,
		"GetRole":   getRole,
	})
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
	return out, nil
}

// getRole: https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html
func getRole(st *core.State, form url.Values) (any, error) {
	name := form.Get("RoleName")
	for _, r := range core.NewIndex(st)[tokRole] {
		if core.StrOf(r, "id") == name {
			return struct{ Role role }{roleOf(r)}, nil
		}
	}
	return nil, core.NotFound("NoSuchEntity", "The role with name "+name+" cannot be found.")
}
