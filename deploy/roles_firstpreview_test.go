package deploy_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/access"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
)

// A team's first pull request previews staging before anything was
// deployed, under the preview role, which may not create the stack (its
// checkpoint, and .pulumi/meta.yaml in an empty bucket). The preview shows
// the first deploy, against an empty state of its own, for both stacks,
// and the state bucket stays empty.
func TestTheFirstPreviewUnderThePreviewRoleWritesNothing(t *testing.T) {
	dir := testproject.Copy(t)
	createRoles(t, dir, access.RolePreview)
	t.Setenv(deploy.SandboxRoleEnv, access.RolePreview)
	for _, stack := range []string{"staging", "product"} {
		s, err := deploy.Open(context.Background(), deploy.Options{
			ProjectDir: dir, Stack: stack, Sandbox: true, CLI: testproject.CLI(t), ReadOnly: true})
		require.NoError(t, err, "a first preview of %s opens without creating the stack", stack)
		assert.True(t, s.NeverDeployed)
		p, err := s.PlanDeploy(context.Background(), deploy.DeployRequest{Preview: true})
		s.Close()
		require.NoError(t, err, stack)
		require.NotNil(t, p.Preview)
		assert.True(t, p.Preview.HasChanges(), "the first deploy of %s creates its resources", stack)
		for _, c := range p.Preview.Resources {
			assert.Equal(t, deploy.OpCreate, c.Op, c.URN)
		}
	}
	entries, err := os.ReadDir(deploy.PathsFor(dir, true).Backend)
	if !os.IsNotExist(err) {
		require.NoError(t, err)
	}
	assert.Empty(t, entries, "nothing was written to the state bucket")
}
