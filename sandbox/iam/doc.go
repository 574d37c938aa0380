// Package iam simulates AWS IAM: roles, role policies and attachments as
// Pulumi resources (resources.go), and the evaluation AWS performs on every
// request a role makes (eval.go, roles.go). The evaluation follows AWS's
// "Policy evaluation logic"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)
// for identity-based policies within one account: an explicit Deny in any
// statement wins, otherwise an Allow grants, otherwise the request is
// implicitly denied. A role's trust policy is evaluated when a web
// identity assumes it (trust.go; OpenID Connect providers in oidc.go).
// Other resource-based policies, permissions boundaries, SCPs and session
// policies are not modelled, nor the trust policy of AssumeRole; a caller
// without a role (the sandbox's own credentials) is the account's
// administrator.
package iam
