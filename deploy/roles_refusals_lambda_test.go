package deploy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/access"
	"github.com/kirikae/kirikae/deploy"
)

// On a Lambda stack nothing stops the preview role's `up` before it takes
// the lock (no image to resolve): the lock's conditional PutObject on the
// state bucket must refuse it, then nothing is written. Fails while the
// sandbox keeps state in a local file backend (the lock, the journal's
// "up failed" entry and the checkpoint are written unauthorised); passes
// once the state is served through the sandbox's S3.
func TestThePreviewRolesUpOfALambdaStackIsRefusedAtTheLock(t *testing.T) {
	dir, build := lambdaProject(t)
	paths := deploy.PathsFor(dir, true)
	createRoles(t, dir, access.RolePreview, "deploy:staging")
	t.Setenv(deploy.SandboxRoleEnv, "deploy:staging")
	build("v1")
	_, err := deployWith(openSandbox(t, dir, "staging", nil), nil)
	require.NoError(t, err)
	before, accountBefore := stateOf(t, dir), fileHashes(t, paths.Account)

	build("v2")
	t.Setenv(deploy.SandboxRoleEnv, access.RolePreview)
	_, err = deployWith(openSandbox(t, dir, "staging", nil), nil)
	denied := deploy.AsAccessDenied(err)
	require.NotNil(t, denied, "want AccessDenied, got %v", err)
	assert.Equal(t, "kirikae-preview", denied.Role)
	assert.Equal(t, "s3:PutObject", denied.Action, "the lock")

	assert.Equal(t, accountBefore, fileHashes(t, paths.Account))
	t.Setenv(deploy.SandboxRoleEnv, "deploy:staging")
	after := stateOf(t, dir)
	assert.Equal(t, before.checkpoint, after.checkpoint)
	assert.Equal(t, before.journal, after.journal)
	assert.Nil(t, after.lock.Holder)
}
