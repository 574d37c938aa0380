package deploy_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

// pullAccountsLine is staging's kirikae:imagePullAccounts as YAML.
func pullAccountsLine(ids ...string) string {
	if len(ids) == 0 {
		return "kirikae:imagePullAccounts: []"
	}
	line := "kirikae:imagePullAccounts:"
	for _, id := range ids {
		line += "\n    - \"" + id + "\""
	}
	return line
}

// readAccountsLine is staging's kirikae:frontendReadAccounts as YAML.
func readAccountsLine(ids ...string) string {
	return strings.Replace(pullAccountsLine(ids...), "kirikae:imagePullAccounts", "kirikae:frontendReadAccounts", 1)
}

// replaceInStackFile swaps one exact piece of a stack file for another.
func replaceInStackFile(t testing.TB, dir, stack, old, new string) {
	t.Helper()
	p := filepath.Join(dir, "Pulumi."+stack+".yaml")
	raw, err := os.ReadFile(p)
	require.NoError(t, err)
	require.Contains(t, string(raw), old)
	require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(raw), old, new, 1)), 0o644))
}

// One account per stack, as on AWS with an account for staging and one for
// product: staging owns the ECR repository and lets product's account pull
// from it (repository policy, kirikae:imagePullAccounts); product names
// staging's registry (kirikae:imageRegistryId). A promote runs in product
// the very image staging verified, pulled across accounts, and product's
// own registry stays empty. Without the policy, product's next promote is
// refused and product keeps serving what it had.
func TestPromoteAcrossAccountsRunsStagingsImage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := testproject.Copy(t)
	for _, stack := range []string{"staging", "product"} {
		editStackFile(t, dir, stack, "kirikae:sandboxAccount: "+stack)
	}
	// The accounts exist before the stacks name each other's ids, as AWS
	// accounts do before anything is deployed into them.
	stagingAcct, productAcct := openAccount(t, dir, "staging"), openAccount(t, dir, "product")
	require.NotEqual(t, stagingAcct.ID(), productAcct.ID())
	setStackValue(t, dir, "product", stacks.KeyImageRegistryID, `"`+stagingAcct.ID()+`"`)
	editStackFile(t, dir, "staging", pullAccountsLine(productAcct.ID()))
	// Product's promote copies staging's frontend release with product's
	// credentials: staging's bucket policy lets product's account read it.
	editStackFile(t, dir, "staging", readAccountsLine(productAcct.ID()))

	staging := openDeploy(t, dir, "staging", nil)
	prod := openDeploy(t, dir, "product", nil)
	v1 := deployImage(t, staging, "v1")
	require.Equal(t, deploy.VerifyPassed, v1.Release.Verified)
	plan, err := prod.PlanPromote(ctx, staging, v1.Release.ID)
	require.NoError(t, err)
	res, err := prod.Deploy(ctx, plan, deploy.DeployOptions{})
	require.NoError(t, err)

	require.Regexp(t, `^sha256:[0-9a-f]{64}$`, v1.Release.ImageDigest)
	assert.Equal(t, v1.Release.ImageDigest, res.Release.ImageDigest, "product runs the digest staging verified")
	for _, s := range []*deploy.Session{staging, prod} {
		status, v := served(t, dir, s, infra.OutputURL, "/version")
		assert.Equal(t, 200, status, s.Stack())
		assert.Equal(t, "v1", v, "%s: the real v1 program answers", s.Stack())
	}
	rs, err := productAcct.Resources()
	require.NoError(t, err)
	tds := 0
	cfg := testproject.Stack(t, dir, "product")
	for _, r := range rs {
		assert.NotEqual(t, "aws:ecr/repository:Repository", r.Type, "product's registry holds nothing")
		if r.Type == "aws:ecs/taskDefinition:TaskDefinition" && strings.Contains(r.Inputs["containerDefinitions"].(string), "@"+res.Release.ImageDigest) {
			tds++
			assert.Contains(t, r.Inputs["containerDefinitions"], stagingAcct.ID()+".dkr.ecr."+cfg.Region+".amazonaws.com/"+cfg.ImageRepository+"@")
		}
	}
	assert.Positive(t, tds, "product pulls from staging's registry by digest")

	// Staging stops letting product pull: product's next promote fails
	// before it changes anything, and v1 keeps serving there.
	replaceInStackFile(t, dir, "staging", pullAccountsLine(productAcct.ID()), pullAccountsLine())
	v2 := deployImage(t, staging, "v2")
	require.Equal(t, deploy.VerifyPassed, v2.Release.Verified)
	before := historyLen(t, prod)
	plan, err = prod.PlanPromote(ctx, staging, v2.Release.ID)
	if err == nil {
		_, err = prod.Deploy(ctx, plan, deploy.DeployOptions{})
	}
	require.Error(t, err)
	t.Logf("promote without the pull policy: %v", err)
	var denied *deploy.ImagePullDeniedError
	require.ErrorAs(t, err, &denied, "a typed error with the setting that grants the pull")
	assert.Contains(t, denied.Hint(deploy.Invocation{}), "kirikae:imagePullAccounts")
	assert.Equal(t, before, historyLen(t, prod), "nothing changed in product")
	_, v := served(t, dir, prod, infra.OutputURL, "/version")
	assert.Equal(t, "v1", v, "product keeps serving what it had")

	// Product may pull again, but staging's bucket no longer lets it read
	// the frontend release: S3 refuses the copy (AccessDenied), the
	// promote fails, and product keeps serving v1.
	replaceInStackFile(t, dir, "staging", pullAccountsLine(), pullAccountsLine(productAcct.ID()))
	replaceInStackFile(t, dir, "staging", readAccountsLine(productAcct.ID()), readAccountsLine())
	v3, err := deployWith(staging, map[string]string{stacks.KeyImageTag: "v3", stacks.KeyFrontendRelease: "r3"})
	require.NoError(t, err)
	require.Equal(t, deploy.VerifyPassed, v3.Release.Verified)
	plan, err = prod.PlanPromote(ctx, staging, v3.Release.ID)
	if err == nil {
		_, err = prod.Deploy(ctx, plan, deploy.DeployOptions{})
	}
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AccessDenied")
	_, v = served(t, dir, prod, infra.OutputURL, "/version")
	assert.Equal(t, "v1", v, "product keeps serving what it had")
}
