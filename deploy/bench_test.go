package deploy_test

import (
	"context"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

// BenchmarkRollback measures, on the same change (a blue/green weight
// flip), the rollback fast path — a plan (preview), then a Deploy whose
// update is limited to the switch resources — and the engine update alone,
// targeted and full.
func BenchmarkRollback(b *testing.B) {
	ctx := context.Background()
	dir := testproject.Copy(b)
	s := openDeploy(b, dir, "staging", nil)
	deployAndSkipVerify := func(img string) *deploy.DeployResult {
		require.NoError(b, pushImage(ctx, s, img))
		p, err := s.PlanDeploy(ctx, deploy.DeployRequest{Overrides: map[string]string{stacks.KeyImageTag: img}})
		require.NoError(b, err)
		res, err := s.Deploy(ctx, p, deploy.DeployOptions{SkipVerify: true})
		require.NoError(b, err)
		return res
	}
	deployAndSkipVerify("v1")
	bRel := deployAndSkipVerify("v2")
	var plan, deploys, targeted, full time.Duration
	touched := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		p, err := s.PlanRollback(ctx, deploy.RollbackRequest{To: "v1"})
		require.NoError(b, err)
		require.True(b, p.Fast)
		t1 := time.Now()
		res, err := s.Deploy(ctx, p, deploy.DeployOptions{SkipVerify: true})
		require.NoError(b, err)
		t2 := time.Now()
		// The same change back and forth as engine updates alone: full,
		// then limited to the fast path's targets.
		_, err = deploy.Apply(ctx, s, bRel.Release.Values, nil)
		require.NoError(b, err)
		t3 := time.Now()
		_, err = deploy.Apply(ctx, s, p.Target, p.Targets)
		require.NoError(b, err)
		t4 := time.Now()
		_, err = deploy.Apply(ctx, s, bRel.Release.Values, nil)
		require.NoError(b, err)
		t5 := time.Now()
		plan, deploys = plan+t1.Sub(t0), deploys+t2.Sub(t1)
		full, targeted = full+t3.Sub(t2)+t5.Sub(t4), targeted+t4.Sub(t3)
		touched = res.Touched
	}
	n := float64(b.N)
	b.ReportMetric(float64(plan.Nanoseconds())/n, "plan-ns/op")
	b.ReportMetric(float64(deploys.Nanoseconds())/n, "rollback-deploy-ns/op")
	b.ReportMetric(float64(targeted.Nanoseconds())/n, "targeted-up-ns/op")
	b.ReportMetric(float64(full.Nanoseconds())/(2*n), "full-up-ns/op")
	b.ReportMetric(float64(touched), "resources")
	// Ratios from this one run: the whole rollback command path and the
	// targeted update alone, each against a full update of the same change.
	b.ReportMetric(float64(plan+deploys)/(float64(full)/2), "rollback/full-up")
	b.ReportMetric(float64(targeted)/(float64(full)/2), "targeted/full-up")
}

// BenchmarkEngineFloor compares a preview of an empty program (the cost of
// starting the engine at all) with a preview and a no-op update of the
// staging stack.
func BenchmarkEngineFloor(b *testing.B) {
	ctx := context.Background()
	empty := openDeploy(b, testproject.Copy(b), "staging", nil)
	deploy.SetProgram(empty, func(*pulumi.Context) error { return nil })
	dir := testproject.Copy(b)
	s := openDeploy(b, dir, "staging", nil)
	_, err := s.Up(ctx, deploy.UpOptions{})
	require.NoError(b, err)
	var floor, preview, noop time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		_, err := empty.Preview(ctx, deploy.PreviewOptions{})
		require.NoError(b, err)
		t1 := time.Now()
		_, err = s.Preview(ctx, deploy.PreviewOptions{})
		require.NoError(b, err)
		t2 := time.Now()
		res, err := s.Up(ctx, deploy.UpOptions{})
		require.NoError(b, err)
		require.False(b, res.HasChanges())
		t3 := time.Now()
		floor, preview, noop = floor+t1.Sub(t0), preview+t2.Sub(t1), noop+t3.Sub(t2)
	}
	n := float64(b.N)
	b.ReportMetric(float64(floor.Nanoseconds())/n, "floor-ns/op")
	b.ReportMetric(float64(preview.Nanoseconds())/n, "preview-ns/op")
	b.ReportMetric(float64(noop.Nanoseconds())/n, "noop-up-ns/op")
	b.ReportMetric(float64(preview)/float64(floor), "preview/floor")
	b.ReportMetric(float64(noop)/float64(floor), "noop-up/floor")
}
