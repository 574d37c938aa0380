package deploy_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

// snapshot hashes every file under the stack's state backend and its
// sandbox account: what "nothing changed" means.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	paths := deploy.PathsFor(dir, true)
	out := map[string]string{}
	for _, root := range []string{paths.Backend, paths.Account} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			raw, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(raw)
			out[p] = hex.EncodeToString(sum[:])
			return nil
		})
		require.NoError(t, err)
	}
	return out
}

// An image nobody pushed fails the deploy before anything is staged: in
// seconds, exit 1 (not bad input), state and account byte for byte as
// they were, and the message says how to push it.
func TestPreflightRefusesAnImageNotInECR(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := testproject.Copy(t)
	s := openDeploy(t, dir, "staging", nil)
	deployImage(t, s, "v1")
	before := snapshot(t, dir)
	rels, err := s.Releases(ctx)
	require.NoError(t, err)

	start := time.Now()
	_, err = s.PlanDeploy(ctx, deploy.DeployRequest{Overrides: map[string]string{stacks.KeyImageTag: "v9"}})
	took := time.Since(start)
	var missing *deploy.ImageMissingError
	require.ErrorAs(t, err, &missing)
	assert.ErrorIs(t, err, cloud.ErrImageNotFound)
	assert.Less(t, took, 15*time.Second, "one DescribeImages call, no engine update")
	cfg := testproject.Stack(t, dir, "staging")
	assert.Contains(t, err.Error(), "image "+cfg.ImageRepository+":v9 is not in ECR repository "+cfg.ImageRepository)
	var bad deploy.BadInput
	assert.False(t, errors.As(err, &bad), "a missing image is an operation failure (exit 1), not bad input")
	assert.Contains(t, missing.Hint(deploy.Invocation{Stack: "staging", Sandbox: true}), "kirikae sandbox push-image v9 --stack staging")
	onAWS := *missing
	onAWS.Sandbox = false
	// On AWS: built from the repository root (app/Dockerfile copies go.mod
	// and app/), for the stack's platform, tagged with the registry URL ECR
	// reports, and pushed under that same name.
	require.Regexp(t, `^\d{12}\.dkr\.ecr\.`+regexp.QuoteMeta(cfg.Region)+`\.amazonaws\.com/`+regexp.QuoteMeta(cfg.ImageRepository)+`$`, missing.RepositoryURI)
	hint := onAWS.Hint(deploy.Invocation{Stack: "staging"})
	assert.Contains(t, hint, "`docker build --platform linux/arm64 -f app/Dockerfile -t "+missing.RepositoryURI+":v9 .`")
	assert.Contains(t, hint, "`docker push "+missing.RepositoryURI+":v9`")
	assert.Contains(t, hint, "--password-stdin "+strings.Split(missing.RepositoryURI, "/")[0])
	assert.Equal(t, before, snapshot(t, dir), "state and the simulated account are byte-identical")
	after, err := s.Releases(ctx)
	require.NoError(t, err)
	assert.Equal(t, rels, after, "no release recorded")

	// Pushed, the same request deploys, pinned to the pushed digest.
	require.NoError(t, pushImage(ctx, s, "v9"))
	res := deployImage(t, s, "v9")
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, res.Release.ImageDigest)
	assert.NotEqual(t, rels[0].ImageDigest, res.Release.ImageDigest)
	active := outputOf(t, s, "activeTaskDefinition")
	found := false
	for _, r := range resourcesOf(t, dir) {
		if r.Type == "aws:ecs/taskDefinition:TaskDefinition" && r.Outputs["arn"] == active {
			found = true
			defs, _ := r.Inputs["containerDefinitions"].(string)
			assert.True(t, strings.Contains(defs, "/"+cfg.ImageRepository+"@"+res.Release.ImageDigest+`"`), "the active colour pulls the release's digest: %s", defs)
		}
	}
	assert.True(t, found, "the active task definition %s is in the account", active)
}
