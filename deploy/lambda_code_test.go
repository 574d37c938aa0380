package deploy_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
)

// A Lambda release is verified by the code its version runs, not only by
// the version number the function reports: kirikae records the artifact's
// CodeSha256 when it plans, and GetFunction for the published version must
// report the same. Here the build at the artifact's path is replaced by the
// previous one (stale code) between plan and apply: the version the alias
// ends on answers with the expected number, but runs r1's code where r2's
// was planned, and verification fails naming the code check.
// https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html
func TestLambdaVersionWithStaleCodeFailsVerification(t *testing.T) {
	t.Parallel()
	dir, lambdaBuild := lambdaProject(t)
	zip := filepath.Join(dir, "build", "lambda.zip")
	r1 := lambdaBuild("r1")
	s := openDeploy(t, dir, "staging", nil)

	res, err := deployWith(s, nil)
	require.NoError(t, err)
	sum := sha256.Sum256(r1)
	assert.Equal(t, base64.StdEncoding.EncodeToString(sum[:]), res.Release.LambdaCodeSha256, "the release records the code it published")

	lambdaBuild("r2")
	p, err := s.PlanDeploy(context.Background(), deploy.DeployRequest{})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(zip, r1, 0o644), "the stale build lands at the artifact's path")
	_, err = s.Deploy(context.Background(), p, deploy.DeployOptions{})
	var vf *deploy.VerifyFailedError
	require.ErrorAs(t, err, &vf, "got %v", err)
	assert.Equal(t, "code", vf.Check)
	assert.Contains(t, err.Error(), "CodeSha256")

	_, v := served(t, dir, s, infra.OutputURL, "/version")
	assert.Equal(t, "r1", v, "release 1 still serves")
}
