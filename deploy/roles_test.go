package deploy_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/access"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/sandbox"
)

// Under KIRIKAE_SANDBOX_ROLE every AWS call a command makes in the sandbox
// account is a session of that role, authorised against the policies
// `kirikae iam policy` prints for it (created in the account as a team
// creates the role). One deployed staging stack serves three checks: the
// preview role previews it and changes nothing; the staging deploy role
// is refused on product with AWS's AccessDenied naming the action; and a
// preview policy without one statement fails the preview on the action
// that statement granted.
func TestSandboxRolesAreEnforced(t *testing.T) {
	dir := testproject.Copy(t)
	acct := account(t, dir)
	paths := deploy.PathsFor(dir, true)
	trail := watchAccess(t)
	for _, name := range []string{access.RolePreview, access.RoleDrift, "deploy:staging"} {
		r, err := access.ParseRole(name)
		require.NoError(t, err)
		policies, err := deploy.SandboxRolePolicies(dir, r)
		require.NoError(t, err)
		require.NoError(t, acct.CreateRole(deploy.SandboxRoleName(r), policies))
	}
	// The first deploy creates every resource of staging's program, each
	// create authorised against the staging deploy role's policy.
	t.Setenv(deploy.SandboxRoleEnv, "deploy:staging")
	up(t, openSandbox(t, dir, "staging", nil))
	preview := func(t *testing.T) error {
		s, err := deploy.Open(context.Background(), deploy.Options{
			ProjectDir: dir, Stack: "staging", Sandbox: true, CLI: testproject.CLI(t), ReadOnly: true})
		require.NoError(t, err)
		defer s.Close()
		// A new image tag: the preflight resolves it in ECR, as the PR
		// job's preview of a new build does.
		_, err = s.PlanDeploy(context.Background(), deploy.DeployRequest{Preview: true,
			Overrides: map[string]string{"kirikae:imageTag": "v2"}})
		return err
	}

	drift := func(t *testing.T) error {
		s, err := deploy.Open(context.Background(), deploy.Options{
			ProjectDir: dir, Stack: "staging", Sandbox: true, CLI: testproject.CLI(t), ReadOnly: true})
		require.NoError(t, err)
		defer s.Close()
		res, err := s.Drift(context.Background())
		if err == nil {
			assert.False(t, res.HasChanges())
		}
		return err
	}

	t.Run("the preview and drift roles read and write nothing", func(t *testing.T) {
		before := fileHashes(t, paths.Backend, paths.Account)
		t.Setenv(deploy.SandboxRoleEnv, access.RolePreview)
		require.NoError(t, preview(t))
		// Drift reads every resource back through the provider: each
		// Read is authorised against the drift role's LiveRead.
		t.Setenv(deploy.SandboxRoleEnv, access.RoleDrift)
		require.NoError(t, drift(t))
		assert.Equal(t, before, fileHashes(t, paths.Backend, paths.Account), "a preview or drift check changed a file")
	})

	t.Run("the staging deploy role is refused on product", func(t *testing.T) {
		t.Setenv(deploy.SandboxRoleEnv, "deploy:staging")
		before := fileHashes(t, paths.Backend, paths.Account)
		// The first thing a command on product writes is product's
		// state (creating the stack, or its deploy lock): the state
		// bucket refuses it before any resource is touched.
		s, err := deploy.Open(context.Background(), deploy.Options{ProjectDir: dir, Stack: "product", Sandbox: true, CLI: testproject.CLI(t)})
		if err == nil {
			defer s.Close()
			_, err = s.Up(context.Background(), deploy.UpOptions{})
		}
		denied := deploy.AsAccessDenied(err)
		require.NotNil(t, denied, "want AccessDenied, got %v", err)
		assert.Equal(t, "kirikae-deploy-staging", denied.Role)
		assert.Equal(t, "s3:PutObject", denied.Action)
		assert.Contains(t, denied.Resource, "arn:aws:s3:::"+deploy.SandboxStateBucket+"/.pulumi/locks/organization/"+testproject.Project(t, dir)+"/product/")
		assert.NotContains(t, denied.Error(), "\n", "one line")
		assert.Equal(t, before, fileHashes(t, paths.Backend, paths.Account), "a refused up changed the state or the account")
	})

	t.Run("the staging deploy role deploys staging", func(t *testing.T) {
		t.Setenv(deploy.SandboxRoleEnv, "deploy:staging")
		s := openSandbox(t, dir, "staging", nil)
		_, err := deployWith(s, map[string]string{"kirikae:imageTag": "v2"})
		require.NoError(t, err, "the policy kirikae iam policy prints for deploy:staging deploys a release of staging")
		// `kirikae logs` in the deploy job reads the live colour's logs.
		src, err := s.LogSource(context.Background(), "")
		require.NoError(t, err)
		require.NoError(t, s.Logs(context.Background(), src, deploy.LogsOptions{}, func(deploy.LogEvent) error { return nil }))
	})

	t.Run("drift found is announced by the drift role", func(t *testing.T) {
		var cluster sandbox.Resource
		for _, r := range resourcesOf(t, dir) {
			if r.Type == "aws:ecs/cluster:Cluster" {
				cluster = r
			}
		}
		require.NoError(t, acct.Drift(cluster.Type, cluster.ID, map[string]any{"tags": map[string]any{"edited": "by-hand"}}))
		t.Setenv(deploy.SandboxRoleEnv, access.RoleDrift)
		s, err := deploy.Open(context.Background(), deploy.Options{
			ProjectDir: dir, Stack: "staging", Sandbox: true, CLI: testproject.CLI(t), ReadOnly: true})
		require.NoError(t, err)
		defer s.Close()
		res, err := s.Drift(context.Background())
		require.NoError(t, err)
		assert.True(t, res.HasChanges())
		outs, err := s.Outputs(context.Background())
		require.NoError(t, err)
		msgs, err := acct.SNSMessages(outs["alarmTopicArn"].Value.(string))
		require.NoError(t, err)
		require.NotEmpty(t, msgs)
		assert.Contains(t, msgs[len(msgs)-1].Message, "differ from state", "the drift reached the alarm topic")
	})

	// Every statement of each role granted a request above that no other
	// statement grants: without it, that request (and its command) is
	// refused. The requests are the sandbox's record of what the roles
	// asked (sandbox.WatchAccess), decided again without the statement.
	t.Run("no statement is dead weight", func(t *testing.T) {
		for _, name := range []string{access.RolePreview, access.RoleDrift, "deploy:staging"} {
			assertNoDeadWeight(t, dir, name, trail(), map[string]string{
				"RegistryLogin": "the sandbox has no Docker Registry API: images are pushed into the account directly (kirikae sandbox push-image)",
				"ImagePush":     "the sandbox has no Docker Registry API: images are pushed into the account directly (kirikae sandbox push-image)",
			})
		}
	})

	t.Run("a statement removed fails the call it granted", func(t *testing.T) {
		t.Setenv(deploy.SandboxRoleEnv, access.RoleDrift)
		r, err := access.ParseRole(access.RoleDrift)
		require.NoError(t, err)
		policies, err := deploy.SandboxRolePolicies(dir, r)
		require.NoError(t, err)
		// LiveRead is on "*" in each stack's policy: the role loses it
		// only without it in every one (IAM grants the union).
		for name, doc := range policies {
			require.NoError(t, acct.PutRolePolicy(deploy.SandboxRoleName(r), name, without(t, doc, "LiveRead")))
		}
		err = drift(t)
		denied := deploy.AsAccessDenied(err)
		require.NotNil(t, denied, "want AccessDenied, got %v", err)
		assert.Equal(t, "kirikae-drift", denied.Role)
		assert.Regexp(t, `^[a-z0-9-]+:(Describe|Get|List)`, denied.Action, "a read LiveRead granted")
		t.Log(denied)
	})
}

// without is a policy document minus the statement sid.
func without(t *testing.T, doc, sid string) string {
	t.Helper()
	var p struct {
		Version   string
		Statement []map[string]any
	}
	require.NoError(t, json.Unmarshal([]byte(doc), &p))
	kept := p.Statement[:0]
	for _, st := range p.Statement {
		if st["Sid"] != sid {
			kept = append(kept, st)
		}
	}
	require.Len(t, kept, len(p.Statement)-1, "the policy has no statement %s", sid)
	p.Statement = kept
	out, err := json.Marshal(p)
	require.NoError(t, err)
	return string(out)
}
