package deploy_test

import (
	"archive/zip"
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/build"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

func TestPromoteAppliesStagingsVerifiedRelease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := testproject.Copy(t)
	// One account for both stacks (the sandbox default, as a team's):
	// product pulls from the repository staging created
	// (Pulumi.product.yaml: imageRepositoryOwner false).
	staging := openDeploy(t, dir, "staging", nil)
	prod := openDeploy(t, dir, "product", nil)

	p, err := staging.PlanDeploy(ctx, deploy.DeployRequest{Overrides: map[string]string{stacks.KeyImageTag: "v5"}})
	require.NoError(t, err)
	_, err = staging.Deploy(ctx, p, deploy.DeployOptions{SkipVerify: true})
	require.NoError(t, err)
	_, err = prod.PlanPromote(ctx, staging, 0)
	var refused *deploy.PromoteRefusedError
	require.ErrorAs(t, err, &refused, "an unverified release is not promoted")
	assert.Contains(t, err.Error(), "never verified")
	assert.Zero(t, historyLen(t, prod))

	// The same release again, verified: a plain up (nothing to switch).
	again, err := deployWith(staging, nil)
	require.NoError(t, err)
	assert.Equal(t, deploy.VerifyPassed, again.Release.Verified)
	assert.Equal(t, "v5", again.Release.ImageTag)

	// Bound to the release a pipeline verified: another id is refused.
	_, err = prod.PlanPromote(ctx, staging, again.Release.ID-1)
	require.ErrorAs(t, err, &refused)
	assert.Contains(t, err.Error(), "latest release is now")
	// That release was never verified: the error must not say a pipeline
	// verified it, and the hint offers the latest, which passed.
	assert.Contains(t, err.Error(), "did not pass verification")
	assert.NotContains(t, err.Error(), "the pipeline verified")
	assert.Equal(t, again.Release.ID, refused.Promotable)
	assert.Zero(t, historyLen(t, prod), "nothing changed")

	plan, err := prod.PlanPromote(ctx, staging, again.Release.ID)
	require.NoError(t, err)
	assert.Equal(t, deploy.KindPromote, plan.Kind)
	assert.Equal(t, "v5", plan.Target.Image.Tag)
	require.NotNil(t, plan.Preview, "the CLI shows product's diff before applying")
	assert.Positive(t, plan.Preview.Changes[deploy.OpCreate])
	assert.Equal(t, again.Release.ID, plan.From.ID)
	res, err := prod.Deploy(ctx, plan, deploy.DeployOptions{})
	require.NoError(t, err)
	assert.Equal(t, deploy.KindPromote, res.Release.Kind)
	assert.Equal(t, deploy.VerifyPassed, res.Release.Verified)
	_, v := served(t, dir, prod, infra.OutputURL, "/healthz")
	assert.Equal(t, "v5", v, "product serves staging's image")

	// The very bytes staging verified: the same digest, pulled by digest
	// from the one repository, which product did not create again.
	require.Regexp(t, `^sha256:[0-9a-f]{64}$`, again.Release.ImageDigest)
	assert.Equal(t, again.Release.ImageDigest, plan.Target.Image.Digest, "the plan carries staging's digest")
	assert.Equal(t, again.Release.ImageDigest, res.Release.ImageDigest)
	repos := 0
	for _, r := range resourcesOf(t, dir) {
		switch r.Type {
		case "aws:ecr/repository:Repository":
			repos++
			assert.Contains(t, r.URN, "urn:pulumi:staging::", "staging owns the repository")
		case "aws:ecs/taskDefinition:TaskDefinition":
			if strings.Contains(r.URN, "urn:pulumi:product::") {
				assert.Contains(t, r.Inputs["containerDefinitions"], "/"+testproject.Stack(t, dir, "product").ImageRepository+"@"+res.Release.ImageDigest)
			}
		}
	}
	assert.Equal(t, 1, repos, "one repository in the account")
}

func TestRollbackSchemaGuardAndCheckpointRestore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := testproject.Copy(t)
	s := openDeploy(t, dir, "staging", nil)
	a := deployImage(t, s, "v1")
	setStackValue(t, dir, "staging", stacks.KeyDBSchemaVersion, `"2"`)
	// The plan's "undo with" crosses the schema change, so it carries the
	// flag rollback would otherwise refuse it without.
	require.NoError(t, pushImage(ctx, s, "v2"))
	bp, err := s.PlanDeploy(ctx, deploy.DeployRequest{Overrides: map[string]string{stacks.KeyImageTag: "v2"}})
	require.NoError(t, err)
	assert.Contains(t, bp.RollbackCommand, "--to 1 --sandbox --allow-schema-rollback")
	b := deployImage(t, s, "v2")
	assert.Equal(t, "2", b.Release.DBSchemaVersion)

	t.Run("schema guard refuses without the flag", func(t *testing.T) {
		n := historyLen(t, s)
		_, err := s.PlanRollback(ctx, deploy.RollbackRequest{To: "1"})
		var sc *deploy.SchemaChangeError
		require.ErrorAs(t, err, &sc)
		assert.Implements(t, (*deploy.BadInput)(nil), err)
		assert.Equal(t, "2", sc.CurrentSchema)
		assert.Equal(t, "1", sc.TargetSchema)
		assert.Equal(t, n, historyLen(t, s))
	})
	t.Run("and proceeds with it", func(t *testing.T) {
		_, res := rollback(t, s, deploy.RollbackRequest{To: "1", AllowSchemaRollback: true})
		assert.Equal(t, "v1", res.Release.ImageTag)
		assert.Equal(t, a.Release.ImageTag, outputOf(t, s, infra.OutputImageTag))
	})
	t.Run("checkpoint restore puts B's state back", func(t *testing.T) {
		// Checkpoints are numbered by Pulumi update: B's is the newest
		// update that applied image v2 (its switch, after the stage).
		hist, err := s.History(ctx, 0)
		require.NoError(t, err)
		bUpdate := 0
		for _, u := range hist {
			if u.Config[stacks.KeyImageTag] == b.Release.ImageTag && u.Config[stacks.KeyActiveColor] == b.Release.ActiveColor {
				bUpdate = u.Version
				break
			}
		}
		require.Positive(t, bUpdate)
		res, err := s.RestoreCheckpoint(ctx, bUpdate)
		require.NoError(t, err)
		assert.Positive(t, res.Resources)
		assert.FileExists(t, res.Backup)
		assert.Equal(t, "v2", outputOf(t, s, infra.OutputImageTag), "state is B's again")

		_, err = s.RestoreCheckpoint(ctx, 999)
		var ce *deploy.CheckpointError
		require.ErrorAs(t, err, &ce)
		assert.Implements(t, (*deploy.BadInput)(nil), err)
		assert.Equal(t, 1, ce.Available[0])
	})
}

func TestCircuitBreakerRollbackFailsLoudly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := testproject.Copy(t)
	s := openDeploy(t, dir, "staging", nil)
	deployImage(t, s, "v1")
	idle := outputOf(t, s, infra.OutputIdleService)
	require.NotEmpty(t, idle)
	require.NoError(t, account(t, dir).SimulateCircuitBreaker(idle))

	_, err := deployWith(s, map[string]string{stacks.KeyImageTag: "v2"})
	var cb *deploy.CircuitBreakerError
	require.ErrorAs(t, err, &cb, "got %v", err)
	assert.Equal(t, idle, cb.Service)
	assert.NotEqual(t, cb.Requested, cb.Running)
	assert.Positive(t, cb.RolledBackTo, "the previous release values are applied again")
	assert.Equal(t, "v1", outputOf(t, s, infra.OutputImageTag))
	rels, err := s.Releases(ctx)
	require.NoError(t, err)
	assert.Equal(t, deploy.KindAutoRollback, rels[0].Kind)
	assert.Equal(t, deploy.VerifyFailed, rels[1].Verified)
	assert.Contains(t, rels[1].Reason, "rollout")

	// State and ECS agree again, so the next deploy of v2 stages it anew.
	res := deployImage(t, s, "v2")
	assert.Equal(t, 2, res.Updates)
	_, v := served(t, dir, s, infra.OutputURL, "/healthz")
	assert.Equal(t, "v2", v)
}

func TestFrontendReleaseSwitchAndPrune(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := testproject.Copy(t)
	setStackValue(t, dir, "staging", stacks.KeyKeepReleases, `"2"`)
	var phases []string
	s := openDeploy(t, dir, "staging", &phases)
	deployImage(t, s, "v1")
	_, v := served(t, dir, s, infra.OutputFrontendURL, "/"+deploy.ReleaseFile)
	assert.Equal(t, "r1", v, "the first deploy uploads its release too")

	phases = nil
	r2, err := deployWith(s, map[string]string{stacks.KeyFrontendRelease: "r2"})
	require.NoError(t, err)
	assert.Equal(t, 1, r2.Updates, "a frontend switch is one update")
	assert.Contains(t, phases, "switch: frontend r1 → r2")
	status, v := served(t, dir, s, infra.OutputFrontendURL, "/"+deploy.ReleaseFile)
	assert.Equal(t, 200, status)
	assert.Equal(t, "r2", v)
	invs, err := account(t, dir).Invalidations(outputOf(t, s, infra.OutputDistributionID))
	require.NoError(t, err)
	assert.Empty(t, invs, "a switch invalidates nothing: the release id is in every cache key")
	assert.Empty(t, r2.Pruned, "two releases fit keepReleases=2")

	r3, err := deployWith(s, map[string]string{stacks.KeyFrontendRelease: "r3"})
	require.NoError(t, err)
	assert.Equal(t, []string{"r1"}, r3.Pruned, "keeps the live and the previous release")
	left, err := deploy.FrontendReleases(ctx, s)
	require.NoError(t, err)
	assert.Equal(t, []string{"r2", "r3"}, left)

	// Rolling back the frontend is a switch to a release still there.
	_, rb := rollback(t, s, deploy.RollbackRequest{To: "r2"})
	assert.Equal(t, "r2", rb.Release.FrontendRelease)
	_, v = served(t, dir, s, infra.OutputFrontendURL, "/"+deploy.ReleaseFile)
	assert.Equal(t, "r2", v)
}

func TestCanaryBakesBeforeTheSwitch(t *testing.T) {
	t.Parallel()
	dir := testproject.Copy(t)
	setStackValue(t, dir, "staging", stacks.KeyStrategy, "canary")
	var phases []string
	s := openDeploy(t, dir, "staging", &phases)
	var baked []time.Duration
	deploy.SetSleep(s, func(_ context.Context, d time.Duration) error {
		baked = append(baked, d)
		if len(baked) == 1 {
			// Blue stays active while 10% of traffic bakes on green.
			w := listenerWeights(t, dir)
			phases = append(phases, fmt.Sprintf("active %s, blue %d, green %d", outputOf(t, s, infra.OutputActiveColor), w["blue"], w["green"]))
		}
		return nil
	})
	deployImage(t, s, "v1")
	assert.Empty(t, baked, "a first deploy has nothing to bake against")

	phases = nil
	res := deployImage(t, s, "v2")
	// The bake waits 5 minutes in steps, reading the alarms after each.
	var total time.Duration
	for _, d := range baked {
		total += d
	}
	assert.Equal(t, 5*time.Minute, total)
	assert.Greater(t, len(baked), 1, "the alarms are read during the bake, not only after it")
	assert.Equal(t, 3, res.Updates, "stage, canary, switch")
	assert.Equal(t, []string{
		"stage: green gets image v2",
		"verify: idle green ok (v2)",
		"canary: 10% of traffic → green (v2)",
		"bake: 5m0s, alarms watched",
		"active blue, blue 90, green 10",
		"switch: traffic blue → green (v1 → v2)",
	}, slices.DeleteFunc(slices.Clone(phases), func(p string) bool {
		return strings.HasPrefix(p, "verify: idle green before the flip") // names the test listener's URL
	})[:6])
	assert.Equal(t, "0", strconv.Itoa(res.Release.Values.IdleWeight))
	assert.Equal(t, map[string]int{"blue": 0, "green": 100}, listenerWeights(t, dir))
	assert.Equal(t, stacks.ColorGreen, res.Release.ActiveColor)
}

// listenerWeights reads the simulated listener's forward weights by colour.
func listenerWeights(t testing.TB, dir string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, r := range resourcesOf(t, dir) {
		if r.Type != "aws:lb/listener:Listener" {
			continue
		}
		actions, _ := r.Inputs["defaultActions"].([]any)
		require.NotEmpty(t, actions)
		fwd, _ := actions[0].(map[string]any)["forward"].(map[string]any)
		groups, _ := fwd["targetGroups"].([]any)
		for _, g := range groups {
			g := g.(map[string]any)
			arn, _ := g["arn"].(string)
			w, _ := g["weight"].(float64)
			for _, c := range []string{"blue", "green"} {
				if strings.Contains(arn, c) {
					out[c] = int(w)
				}
			}
		}
	}
	return out
}

func TestLambdaStagesBehindPinnedAliasAndRollsBackTheAlias(t *testing.T) {
	t.Parallel()
	dir := testproject.Copy(t)
	setStackValue(t, dir, "staging", stacks.KeyBackend, stacks.BackendLambda)
	var phases []string
	s := openDeploy(t, dir, "staging", &phases)
	lambdaZip(t, dir, "v1")
	a, err := deployWith(s, nil)
	require.NoError(t, err)
	require.NotEmpty(t, a.Release.LambdaVersion)
	assert.Empty(t, a.Release.ImageTag, "a Lambda stack runs no image")

	// New code under the same artifact path: published behind `live`,
	// then the alias moves.
	lambdaZip(t, dir, "v2")
	phases = nil
	b, err := deployWith(s, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, b.Updates)
	assert.NotEqual(t, a.Release.LambdaVersion, b.Release.LambdaVersion)
	assert.Equal(t, b.Release.LambdaVersion, b.Release.Values.Lambda.Version, "the alias is pinned")
	assert.Contains(t, phases, "stage: publish dist/lambda.zip behind alias live (stays on "+a.Release.LambdaVersion+")")
	assert.Equal(t, b.Release.LambdaVersion, servedFunction(t, dir, s))

	// Every later code deploy goes live too, though the alias is pinned
	// to the previous deploy's version by then.
	seen := map[string]bool{a.Release.LambdaVersion: true, b.Release.LambdaVersion: true}
	for _, code := range []string{"v3", "v4", "v5"} {
		lambdaZip(t, dir, code)
		r, err := deployWith(s, nil)
		require.NoError(t, err, code)
		assert.False(t, seen[r.Release.LambdaVersion], "deploy %s published a new version", code)
		seen[r.Release.LambdaVersion] = true
		assert.Equal(t, outputOf(t, s, infra.OutputLambdaLatestVersion), r.Release.LambdaVersion, "alias live is on the version deploy %s published", code)
		assert.Equal(t, r.Release.LambdaVersion, servedFunction(t, dir, s), "deploy %s is what the endpoint serves", code)
		_, v := served(t, dir, s, infra.OutputURL, "/version")
		assert.Equal(t, code, v, "by its own code")
	}
	// What Lambda was given: a function declaring arm64, and a zip whose
	// bootstrap is an executable arm64 program.
	for _, r := range resourcesOf(t, dir) {
		if r.Type == "aws:lambda/function:Function" {
			assert.Equal(t, []any{"arm64"}, r.Inputs["architectures"])
		}
	}
	assertArm64Bootstrap(t, filepath.Join(dir, "dist", "lambda.zip"))
	latest := outputOf(t, s, infra.OutputLambdaLatestVersion)
	// A deploy with no new code publishes nothing and switches nothing.
	same, err := deployWith(s, nil)
	require.NoError(t, err)
	assert.Equal(t, latest, same.Release.LambdaVersion)
	assert.Equal(t, latest, outputOf(t, s, infra.OutputLambdaLatestVersion))

	p, res := rollback(t, s, deploy.RollbackRequest{To: strconv.Itoa(a.Release.ID)})
	assert.True(t, p.Fast)
	assert.Equal(t, []string{"alias live " + latest + " → " + a.Release.LambdaVersion}, p.Switches)
	assert.Equal(t, 1, res.Updates)
	assert.Equal(t, a.Release.LambdaVersion, res.Release.LambdaVersion)
	assert.Equal(t, a.Release.LambdaVersion, servedFunction(t, dir, s))
	assert.Equal(t, latest, outputOf(t, s, infra.OutputLambdaLatestVersion), "nothing new was published")
}

// lambdaZip builds the example function with version baked in where the
// stack files point kirikae:lambdaArtifact, as a pipeline does before it
// deploys (build.LambdaZip: linux/arm64, bootstrap 0755).
func lambdaZip(t testing.TB, dir, version string) {
	t.Helper()
	require.NoError(t, build.LambdaZip(context.Background(), filepath.Join(dir, "app", "cmd", "lambda"), "", version,
		filepath.Join(dir, "dist", "lambda.zip")))
}

// assertArm64Bootstrap checks a Lambda zip the way Lambda runs it: the
// file bootstrap at the root, executable, built for arm64.
func assertArm64Bootstrap(t testing.TB, zipPath string) {
	t.Helper()
	zr, err := zip.OpenReader(zipPath)
	require.NoError(t, err)
	defer zr.Close()
	require.Len(t, zr.File, 1)
	f := zr.File[0]
	assert.Equal(t, "bootstrap", f.Name)
	assert.Equal(t, fs.FileMode(0o755), f.Mode().Perm(), "bootstrap is executable")
	rc, err := f.Open()
	require.NoError(t, err)
	raw, err := io.ReadAll(rc)
	require.NoError(t, err)
	bin, err := elf.NewFile(bytes.NewReader(raw))
	require.NoError(t, err)
	assert.Equal(t, elf.EM_AARCH64, bin.Machine, "built for the architecture the function declares")
}
