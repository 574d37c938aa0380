// Package access declares what kirikae and its Pulumi program call in AWS,
// and derives from that one table the IAM policy each pipeline role needs
// (`kirikae iam policy`) and the GitHub OIDC trust policy that says who may
// assume it (`kirikae iam trust`).
//
// The table (table.go) is the only place an AWS action is named: a role's
// policy is the table's rows for the needs of that role (roles.go), scoped
// to one stack's resources (scope.go). Nothing here calls AWS; the sandbox
// enforces the printed policies (sandbox/iam), which is what keeps the table
// honest.
package access
