// Package sts answers AWS STS: GetCallerIdentity, AssumeRole for roles of
// the account, and AssumeRoleWithWebIdentity, which verifies an OpenID
// Connect token and lets the role's trust policy decide.
package sts
