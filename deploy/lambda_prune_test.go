package deploy_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/sandbox"
	"github.com/kirikae/kirikae/stacks"
)

// Published Lambda versions no kept release names are deleted after each
// deploy: after keepReleases+2 code deploys, Lambda lists only the kept
// ones (read with the AWS CLI), and a rollback to the oldest kept release
// still moves the alias to its version.
func TestLambdaVersionsArePrunedBeyondKeepReleases(t *testing.T) {
	t.Parallel()
	dir := testproject.Copy(t)
	setStackValue(t, dir, "staging", stacks.KeyBackend, stacks.BackendLambda)
	setStackValue(t, dir, "staging", stacks.KeyKeepReleases, `"2"`)
	s := openDeploy(t, dir, "staging", nil)
	var rels []*deploy.DeployResult
	for _, code := range []string{"v1", "v2", "v3", "v4"} {
		lambdaZip(t, dir, code)
		r, err := deployWith(s, nil)
		require.NoError(t, err, code)
		rels = append(rels, r)
	}
	assert.Equal(t, []string{rels[1].Release.LambdaVersion}, rels[3].PrunedLambdaVersions, "the third version back goes")

	ep, err := sandbox.Serve(t.Context(), account(t, dir))
	require.NoError(t, err)
	t.Cleanup(func() { _ = ep.Close() })
	listed := func() []string {
		var out []string
		got := awsCLI(t, ep.URL, s.Config.Region, "lambda", "list-versions-by-function", "--function-name", infra.FunctionName(s.Config))
		vs, _ := got["Versions"].([]any)
		for _, v := range vs {
			if n := v.(map[string]any)["Version"].(string); n != "$LATEST" {
				out = append(out, n)
			}
		}
		return out
	}
	kept := []string{rels[2].Release.LambdaVersion, rels[3].Release.LambdaVersion}
	assert.Equal(t, kept, listed(), "only the versions of the 2 kept releases")

	p, res := rollback(t, s, deploy.RollbackRequest{To: strconv.Itoa(rels[2].Release.ID)})
	assert.True(t, p.Fast)
	assert.Equal(t, rels[2].Release.LambdaVersion, res.Release.LambdaVersion)
	assert.Equal(t, rels[2].Release.LambdaVersion, servedFunction(t, dir, s))
	assert.Equal(t, kept, listed(), "a rollback keeps the version it left")
}
