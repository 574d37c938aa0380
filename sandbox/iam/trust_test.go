package iam

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	githubProvider = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
	mainDeploy     = "repo:o/r:environment:staging:job_workflow_ref:o/r/.github/workflows/deploy.yml@refs/heads/main"
)

func webIdentity(sub, aud string) TrustRequest {
	ctx := Context{}
	ctx.Set("token.actions.githubusercontent.com:sub", sub)
	ctx.Set("token.actions.githubusercontent.com:aud", aud)
	return TrustRequest{PrincipalType: "Federated", Principal: githubProvider, Action: "sts:AssumeRoleWithWebIdentity", Context: ctx}
}

// A trust policy is a resource-based policy on the role: the Principal
// must name the caller, the Action the STS call, every condition must
// hold; an explicit Deny wins.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func TestEvaluateTrustFollowsAWS(t *testing.T) {
	github := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + githubProvider + `"},
		"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{
		"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"` + mainDeploy + `"}}}]}`
	prs := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + githubProvider + `"},
		"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:o/r:pull_request:*"}}}]}`
	// GitHub's ref claim is no condition key of AWS's: a policy on it holds
	// for no token.
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
	onRef := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + githubProvider + `"},
		"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:ref":"refs/heads/main"}}}]}`
	denyForks := `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity"},
		{"Effect":"Deny","Principal":{"Federated":"` + githubProvider + `"},"Action":"sts:*",
		 "Condition":{"StringNotLike":{"token.actions.githubusercontent.com:sub":"repo:o/r:*"}}}]}`
	account := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}`
	for _, c := range []struct {
		name   string
		policy string
		r      TrustRequest
		want   Decision
	}{
		{"the named job of the named provider", github, webIdentity(mainDeploy, "sts.amazonaws.com"), Allowed},
		{"another subject", github, webIdentity("repo:o/r:pull_request:job_workflow_ref:o/r/.github/workflows/pr.yml@refs/pull/1/merge", "sts.amazonaws.com"), ImplicitDeny},
		{"another audience", github, webIdentity(mainDeploy, "https://github.com/o"), ImplicitDeny},
		{"another provider", github, TrustRequest{PrincipalType: "Federated", Principal: "arn:aws:iam::111122223333:oidc-provider/gitlab.com",
			Action: "sts:AssumeRoleWithWebIdentity", Context: webIdentity(mainDeploy, "sts.amazonaws.com").Context}, ImplicitDeny},
		{"another action", github, TrustRequest{PrincipalType: "Federated", Principal: githubProvider, Action: "sts:AssumeRole",
			Context: webIdentity(mainDeploy, "sts.amazonaws.com").Context}, ImplicitDeny},
		{"StringLike's wildcard", prs, webIdentity("repo:o/r:pull_request:job_workflow_ref:o/r/.github/workflows/pr.yml@refs/pull/7/merge", "x"), Allowed},
		{"StringLike on another repository", prs, webIdentity("repo:o/fork:pull_request:x", "x"), ImplicitDeny},
		{"a claim AWS does not evaluate", onRef, webIdentity(mainDeploy, "sts.amazonaws.com"), ImplicitDeny},
		{"Principal * with a deny for other repositories", denyForks, webIdentity("repo:o/r:ref:refs/heads/main", "x"), Allowed},
		{"the deny wins", denyForks, webIdentity("repo:x/y:ref:refs/heads/main", "x"), ExplicitDeny},
		{"the account's users, not a web identity", account, webIdentity(mainDeploy, "sts.amazonaws.com"), ImplicitDeny},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := ParseTrust([]byte(c.policy))
			require.NoError(t, err)
			assert.Equal(t, c.want, EvaluateTrust(d, c.r))
		})
	}
}

// What IAM refuses in a trust policy: a Resource, a statement without a
// principal, an unknown operator.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
func TestParseTrustRefusesWhatIAMRefuses(t *testing.T) {
	for name, policy := range map[string]string{
		"resource":          `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}]}`,
		"no principal":      `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`,
		"unknown operator":  `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringSorta":{"a":"b"}}}]}`,
		"principal string":  `{"Statement":[{"Effect":"Allow","Principal":"arn:aws:iam::1:root","Action":"sts:AssumeRole"}]}`,
		"not json":          `{`,
		"no action":         `{"Statement":[{"Effect":"Allow","Principal":"*"}]}`,
		"effect misspelled": `{"Statement":[{"Effect":"allow","Principal":"*","Action":"sts:AssumeRole"}]}`,
	} {
		_, err := ParseTrust([]byte(policy))
		assert.ErrorContains(t, err, "MalformedPolicyDocument", name)
	}
}
