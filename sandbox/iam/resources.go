package iam

import (
	"github.com/kirikae/kirikae/sandbox/core"
)

// Register adds the iam resource types to the provider's registry.
func Register() {
	core.Register(
		&core.TypeSpec{Token: "aws:iam/role:Role", Required: []string{"assumeRolePolicy"}, Name: "name", NameMax: 64,
			Immutable: []string{"name", "namePrefix"}, Check: core.JSONString("assumeRolePolicy", false),
			Defaults: map[string]any{"path": "/", "maxSessionDuration": 3600.0, "forceDetachPolicies": false},
			Create: func(e *core.Env) (string, error) {
				e.Put("arn", e.Arn("iam", "", "role"+e.Str("path")+e.Name()))
				e.Put("uniqueId", "AROA"+e.Upper(17))
				e.Put("createDate", core.Now())
				return e.Name(), nil
			}},
		&core.TypeSpec{Token: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", Required: []string{"role", "policyArn"},
			Immutable: []string{"role", "policyArn"},
			Create: func(e *core.Env) (string, error) {
				return e.Str("role") + "-" + e.Digits(26), nil
			}},
		// An inline role policy's id is <role>:<name>, as the provider imports it:
		// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html
		&core.TypeSpec{Token: "aws:iam/rolePolicy:RolePolicy", Required: []string{"role", "policy"},
			Name: "name", NameMax: 128, Scope: "role", Immutable: []string{"role", "name", "namePrefix"},
			Check: core.JSONString("policy", false),
			Create: func(e *core.Env) (string, error) {
				return e.Str("role") + ":" + e.Name(), nil
			}},
	)
}
