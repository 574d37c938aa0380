package deploy_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/access"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

// The preview role reads; an `up` run with it (a PR job's code trying to
// deploy) is refused with AWS's AccessDenied before anything is written:
// the account's files, the stack's checkpoint, its release records and
// journal are as they were, no lock is left behind, and the next deploy by
// the stack's own role takes the lock without breaking one.
func TestThePreviewRolesUpIsRefusedAndChangesNothing(t *testing.T) {
	dir := testproject.Copy(t)
	paths := deploy.PathsFor(dir, true)
	createRoles(t, dir, access.RolePreview, "deploy:staging")
	t.Setenv(deploy.SandboxRoleEnv, "deploy:staging")
	up(t, openSandbox(t, dir, "staging", nil))
	// The new tag is in ECR already (the build job pushed it): the
	// preview role's run gets as far as its own calls.
	ctx := context.Background()
	require.NoError(t, pushImage(ctx, openSandbox(t, dir, "staging", nil), "v1"))

	refused := func(t *testing.T, overrides map[string]string) {
		before, accountBefore := stateOf(t, dir), fileHashes(t, paths.Account)
		t.Setenv(deploy.SandboxRoleEnv, access.RolePreview)
		_, err := deployWith(openSandbox(t, dir, "staging", nil), overrides)
		denied := deploy.AsAccessDenied(err)
		require.NotNil(t, denied, "want AccessDenied, got %v", err)
		assert.Equal(t, "kirikae-preview", denied.Role)
		assert.NotEmpty(t, denied.Action)
		assert.NotContains(t, denied.Error(), "\n", "one line")
		t.Log(denied)

		assert.Equal(t, accountBefore, fileHashes(t, paths.Account), "a refused up changed the account")
		t.Setenv(deploy.SandboxRoleEnv, "deploy:staging")
		after := stateOf(t, dir)
		assert.Equal(t, before.checkpoint, after.checkpoint, "a refused up wrote the stack's checkpoint")
		assert.Equal(t, before.releases, after.releases, "a refused up wrote a release record")
		assert.Equal(t, before.journal, after.journal, "a refused up wrote a journal entry")
		assert.Nil(t, after.lock.Holder, "a refused up left its lock behind")
	}
	t.Run("a new image tag", func(t *testing.T) {
		refused(t, map[string]string{stacks.KeyImageTag: "v1"})
	})
	t.Run("a stack file the pull request changed", func(t *testing.T) {
		setStackValue(t, dir, "staging", "kirikae:alarm5xxThreshold", `"30"`)
		refused(t, nil)
	})

	var phases []string
	s, err := deploy.Open(ctx, deploy.Options{ProjectDir: dir, Stack: "staging", Sandbox: true, CLI: testproject.CLI(t),
		OnEvent: func(e deploy.Event) {
			if e.Kind == deploy.EventPhase {
				phases = append(phases, e.Message)
			}
		}})
	require.NoError(t, err)
	defer s.Close()
	res, err := deployWith(s, map[string]string{stacks.KeyImageTag: "v1"})
	require.NoError(t, err, "the staging deploy role deploys after the refusal")
	assert.Equal(t, "v1", res.Release.ImageTag)
	for _, p := range phases {
		assert.NotContains(t, p, "lock", "the next deploy found a lock to break: %s", p)
	}
}

// savedState is what a refused command must leave as it was: Pulumi's
// checkpoint of the stack, kirikae's release records and journal, and the
// deploy lock.
type savedState struct {
	checkpoint string
	releases   []deploy.Release
	journal    []string
	lock       deploy.LockState
}

// stateOf reads the staging stack's state as the session's role (the
// deploy role, which may read it all).
func stateOf(t *testing.T, dir string) savedState {
	t.Helper()
	ctx := context.Background()
	s := openSandbox(t, dir, "staging", nil)
	var st savedState
	cp, err := os.ReadFile(filepath.Join(deploy.PathsFor(dir, true).Backend, ".pulumi", "stacks", s.ProjectName(), "staging.json"))
	require.NoError(t, err)
	st.checkpoint = string(cp)
	st.releases, err = s.Releases(ctx)
	require.NoError(t, err)
	recs, err := s.Journal(ctx, time.Time{})
	require.NoError(t, err)
	for _, r := range recs {
		st.journal = append(st.journal, r.Start.OpID+" "+r.Start.Op+" "+r.Result)
	}
	st.lock, err = s.LockState(ctx)
	require.NoError(t, err)
	return st
}

// createRoles creates the pipeline roles in the sandbox account with the
// policies `kirikae iam policy` prints, as a team does before any job runs
// (a role is otherwise created on first use, which writes to the account).
func createRoles(t *testing.T, dir string, names ...string) {
	t.Helper()
	acct := account(t, dir)
	for _, name := range names {
		r, err := access.ParseRole(name)
		require.NoError(t, err)
		policies, err := deploy.SandboxRolePolicies(dir, r)
		require.NoError(t, err)
		require.NoError(t, acct.CreateRole(deploy.SandboxRoleName(r), policies))
	}
}
