package access

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/stacks"
)

func loadScope(t *testing.T, stack string) Scope {
	t.Helper()
	cfg, err := stacks.Load("..", stack)
	require.NoError(t, err)
	s := Scope{Project: projectName(t), Config: cfg, State: StateLocation{Bucket: "team-state", Prefix: "p/"}}
	for _, other := range []string{"staging", "product"} {
		if other != stack {
			src, err := stacks.Load("..", other)
			require.NoError(t, err)
			s.Sources = append(s.Sources, src)
		}
	}
	return s
}

// projectName is the repository's Pulumi project name: the state keys'
// folder, which kirikae init renames with the project.
func projectName(t *testing.T) string {
	t.Helper()
	name, err := stacks.ProjectName("..")
	require.NoError(t, err)
	return name
}

// names are a stack's resource prefix and region, from its stack
// file, so the expected ARNs follow a project init renamed.
func names(t *testing.T, stack string) (prefix, region string) {
	t.Helper()
	cfg, err := stacks.Load("..", stack)
	require.NoError(t, err)
	return cfg.ServiceName + "-" + stack, cfg.Region
}

func policyFor(t *testing.T, role, stack string) Policy {
	t.Helper()
	r, err := ParseRole(role)
	require.NoError(t, err)
	p, err := Generate(r, loadScope(t, stack))
	require.NoError(t, err)
	return p
}

func TestTableSidsAreUniqueAndExplained(t *testing.T) {
	seen := map[string]bool{}
	for _, g := range table {
		assert.False(t, seen[g.sid], "duplicate Sid %s", g.sid)
		seen[g.sid] = true
		assert.NotEmpty(t, g.why, g.sid)
		assert.NotEmpty(t, g.actions, g.sid)
		assert.Equal(t, g.why, Explain(g.sid))
	}
}

// readOnly is true for actions that read: what PR code may hold.
func readOnly(action string) bool {
	verb := action[strings.Index(action, ":")+1:]
	for _, p := range []string{"Get", "List", "Describe", "GET"} {
		if strings.HasPrefix(verb, p) {
			return true
		}
	}
	return false
}

func TestPreviewRoleOnlyReadsAndNeverDecrypts(t *testing.T) {
	for _, stack := range []string{"staging", "product"} {
		p := policyFor(t, RolePreview, stack)
		require.NotEmpty(t, p.Statement)
		for _, st := range p.Statement {
			for _, a := range st.Action {
				assert.True(t, readOnly(a), "%s: preview may not %s", stack, a)
				assert.NotContains(t, []string{"ssm:GetParameter", "kms:Decrypt"}, a)
			}
		}
		assert.NotContains(t, p.Sids(), "LiveRead", "a preview reads no live resource")
	}
}

func TestDriftRoleWritesNothingButItsMessage(t *testing.T) {
	p := policyFor(t, RoleDrift, "product")
	product, region := names(t, "product")
	for _, st := range p.Statement {
		for _, a := range st.Action {
			if a == "sns:Publish" {
				assert.Equal(t, []string{"arn:aws:sns:" + region + ":${aws:PrincipalAccount}:" + product + "-alarms"}, st.Resource)
				continue
			}
			assert.True(t, readOnly(a), "drift may not %s", a)
		}
	}
}

func TestDeployRoleWritesOnlyItsOwnStack(t *testing.T) {
	p := policyFor(t, "deploy:staging", "staging")
	product, _ := names(t, "product")
	for _, st := range p.Statement {
		for _, r := range st.Resource {
			assert.NotContains(t, r, product, "%s reaches product", st.Sid)
			assert.NotContains(t, r, "/product", "%s reaches product's state", st.Sid)
		}
	}
	var write Statement
	for _, st := range p.Statement {
		if st.Sid == "StateWrite" {
			write = st
		}
	}
	assert.Contains(t, write.Resource, "arn:aws:s3:::team-state/p/.pulumi/stacks/"+projectName(t)+"/staging.json*")
	assert.Contains(t, write.Resource, "arn:aws:s3:::team-state/p/.kirikae/locks/"+projectName(t)+"/staging.json")
	// product does not own the image repository, so it neither creates nor pushes it.
	prod := policyFor(t, "deploy:product", "product")
	assert.NotContains(t, prod.Sids(), "ImageRepository")
	assert.NotContains(t, prod.Sids(), "ImagePush")
	assert.Contains(t, prod.Sids(), "PromoteSource")
	assert.Contains(t, policyFor(t, "deploy:staging", "staging").Sids(), "ImagePush")
}

func TestDeployRoleIsRefusedForAnotherStack(t *testing.T) {
	r, err := ParseRole("deploy:product")
	require.NoError(t, err)
	_, err = Generate(r, loadScope(t, "staging"))
	var mismatch *StackMismatchError
	require.ErrorAs(t, err, &mismatch)
	assert.Contains(t, mismatch.Hint(), "deploy:staging")
}

func TestUnknownRoleIsBadInput(t *testing.T) {
	for _, name := range []string{"admin", "deploy:", "promote", ""} {
		_, err := ParseRole(name)
		var bad *RoleError
		require.ErrorAs(t, err, &bad, name)
		assert.True(t, bad.BadInput())
	}
}

// An inline role policy holds at most 10,240 characters, whitespace not
// counted: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
func TestDeployPolicyFitsAnInlineRolePolicy(t *testing.T) {
	for _, stack := range []string{"staging", "product"} {
		b, err := policyFor(t, "deploy:"+stack, stack).JSON()
		require.NoError(t, err)
		n := len(strings.Join(strings.Fields(string(b)), ""))
		assert.LessOrEqual(t, n, 10240, stack)
	}
}

func TestStateFromBackend(t *testing.T) {
	got, err := StateFromBackend("s3://team-state/kirikae?region=eu-west-1")
	require.NoError(t, err)
	assert.Equal(t, StateLocation{Bucket: "team-state", Prefix: "kirikae/"}, got)
	_, err = StateFromBackend("file:///tmp/state")
	var bad *BackendError
	require.ErrorAs(t, err, &bad)
}

func TestTrustBindsEnvironmentWorkflowAndBranch(t *testing.T) {
	r, _ := ParseRole("deploy:staging")
	p, err := Trust(r, "acme/shop", "111122223333")
	require.NoError(t, err)
	st := p.Statement[0]
	assert.Equal(t, "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", st.Principal.Federated)
	assert.Equal(t, []string{"repo:acme/shop:environment:staging:job_workflow_ref:acme/shop/.github/workflows/deploy.yml@refs/heads/main"},
		st.Condition["StringEquals"]["token.actions.githubusercontent.com:sub"])
	assert.Equal(t, []string{"sts.amazonaws.com"}, st.Condition["StringEquals"]["token.actions.githubusercontent.com:aud"])

	pr, _ := ParseRole(RolePreview)
	p, err = Trust(pr, "acme/shop", "")
	require.NoError(t, err)
	assert.Equal(t, []string{"repo:acme/shop:pull_request:job_workflow_ref:acme/shop/.github/workflows/pr.yml@refs/pull/*/merge"},
		p.Statement[0].Condition["StringLike"]["token.actions.githubusercontent.com:sub"])

	_, err = Trust(pr, "not a repo", "")
	var bad *RepoError
	require.ErrorAs(t, err, &bad)
}
