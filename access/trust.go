package access

import (
	"fmt"
	"regexp"
)

// GitHub's OIDC issuer and the audience aws-actions/configure-aws-credentials
// asks for:
// https://docs.github.com/en/actions/how-tos/secure-your-work/security-harden-deployments/oidc-in-aws
const (
	OIDCProvider = "token.actions.githubusercontent.com"
	OIDCAudience = "sts.amazonaws.com"
)

// SubClaimKeys is the repository's customised subject template. AWS
// evaluates only the aud, sub (and amr) claims of a web identity
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif),
// so everything the trust depends on must be in sub. GitHub's default sub
// holds the environment but not the branch or workflow: an environment
// without a deployment branch rule hands its role to any branch. With
// job_workflow_ref in the template, the sub of a job names the workflow
// file and the ref it ran from
// (https://docs.github.com/en/actions/reference/security/oidc#customizing-the-subject-claims-for-an-organization-or-repository),
// e.g. repo:o/r:environment:staging:job_workflow_ref:o/r/.github/workflows/deploy.yml@refs/heads/main.
// Set it once per repository:
//
//	gh api -X PUT repos/OWNER/NAME/actions/oidc/customization/sub \
//	  -F use_default=false -f 'include_claim_keys[]=repo' \
//	  -f 'include_claim_keys[]=context' -f 'include_claim_keys[]=job_workflow_ref'
//
// (https://docs.github.com/en/rest/actions/oidc#set-the-customization-template-for-an-oidc-subject-claim-for-a-repository).
var SubClaimKeys = []string{"repo", "context", "job_workflow_ref"}

// The workflows each role is bound to, and the branch deploys come from.
const (
	DeployWorkflow = ".github/workflows/deploy.yml"
	PRWorkflow     = ".github/workflows/pr.yml"
	DriftWorkflow  = ".github/workflows/drift.yml"
	MainRef        = "refs/heads/main"
)

var repoPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)

// RepoError is a --repo that is not OWNER/NAME.
type RepoError struct{ Repo string }

func (e *RepoError) Error() string {
	return fmt.Sprintf("print trust policy: --repo %q is not OWNER/NAME", e.Repo)
}

// Hint shows the form.
func (e *RepoError) Hint() string { return "pass --repo OWNER/NAME, e.g. --repo my-org/my-service" }

// BadInput: a usage mistake, nothing ran.
func (e *RepoError) BadInput() bool { return true }

// Subject is the sub claim (under SubClaimKeys) of the jobs that may assume
// the role, and the operator that compares it.
func Subject(r Role, repo string) (operator, sub string) {
	wf := func(file, ref string) string { return ":job_workflow_ref:" + repo + "/" + file + "@" + ref }
	switch r.Name {
	case RolePreview:
		// Only pull_request runs of this repository's pr.yml, at a pull
		// request's merge ref: a fork's pull request gets no token with
		// id-token: write, and pull_request_target runs from the base
		// branch's ref, so neither matches.
		return "StringLike", "repo:" + repo + ":pull_request" + wf(PRWorkflow, "refs/pull/*/merge")
	case RoleDrift:
		// The scheduled drift workflow on main: a job without an
		// environment presents its ref as context.
		return "StringEquals", "repo:" + repo + ":ref:" + MainRef + wf(DriftWorkflow, MainRef)
	}
	// A deploy role: its environment, and main's deploy workflow. Both the
	// environment's deployment branch rule (main only) and this subject
	// hold it to main; either alone would not survive the other's mistake.
	return "StringEquals", "repo:" + repo + ":environment:" + r.Stack + wf(DeployWorkflow, MainRef)
}

// Trust returns the role's trust policy for GitHub Actions in repo.
// account is the AWS account the OIDC provider is registered in; a trust
// policy's Principal takes no policy variable, so it is printed as
// ACCOUNT_ID when not given.
func Trust(r Role, repo, account string) (Policy, error) {
	if !repoPattern.MatchString(repo) {
		return Policy{}, &RepoError{Repo: repo}
	}
	if account == "" {
		account = "ACCOUNT_ID"
	}
	op, sub := Subject(r, repo)
	cond := Condition{"StringEquals": {OIDCProvider + ":aud": {OIDCAudience}}}
	if op == "StringEquals" {
		cond["StringEquals"][OIDCProvider+":sub"] = []string{sub}
	} else {
		cond[op] = map[string][]string{OIDCProvider + ":sub": {sub}}
	}
	return Policy{Version: PolicyVersion, Statement: []Statement{{
		Sid:       "GitHubActions",
		Effect:    Allow,
		Principal: &Principal{Federated: "arn:aws:iam::" + account + ":oidc-provider/" + OIDCProvider},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
		Condition: cond,
	}}}, nil
}
