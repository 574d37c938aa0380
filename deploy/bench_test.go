package deploy_test

import (
	"context"
	"crypto/md5"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/sandbox"
	"github.com/kirikae/kirikae/stacks"
)

// The benchmarks of issue 15 (README "Performance"; scripts/bench runs
// them in one run). Each measures commands as a user runs them: a new
// session per command (config, engine check, sandbox provider), the plan,
// the engine runs and the verification. They run once each (-benchtime 1x):
// every figure is a ratio of two measurements from the same run, so it
// means the same on a fast or a slow machine.

// command runs f as one kirikae command does and returns its wall time.
func command(b *testing.B, dir, stack string, f func(s *deploy.Session)) time.Duration {
	b.Helper()
	start := time.Now()
	s := openDeploy(b, dir, stack, nil)
	f(s)
	require.NoError(b, s.Close())
	return time.Since(start)
}

func deployCmd(b *testing.B, dir, stack string, overrides map[string]string) (d time.Duration, res *deploy.DeployResult) {
	b.Helper()
	d = command(b, dir, stack, func(s *deploy.Session) {
		var err error
		res, err = deployWith(s, overrides)
		require.NoError(b, err)
	})
	return d, res
}

func rollbackCmd(b *testing.B, dir, stack string, to int) time.Duration {
	b.Helper()
	return command(b, dir, stack, func(s *deploy.Session) {
		p, _ := rollback(b, s, deploy.RollbackRequest{To: strconv.Itoa(to)})
		require.True(b, p.Fast)
	})
}

func image(tag string) map[string]string { return map[string]string{stacks.KeyImageTag: tag} }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// reps is how often each command is measured per benchmark run; the
// fastest run counts, since a shared machine only ever adds time.
const reps = 3

func fastest(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds[1:] {
		m = min(m, d)
	}
	return m
}

// BenchmarkHistoryLength: deploy, releases and rollback --to after 2 and
// after 200 past deploys. The long history is prepared, not deployed: the
// two real releases' records are copied under ids 3..200 (the newest is
// the live one, as after real deploys) and Pulumi's history and checkpoint
// files are copied 198 times, so the backend holds what 200 deploys leave.
// The two stacks are measured in turns, each command reps times.
func BenchmarkHistoryLength(b *testing.B) {
	ctx := context.Background()
	type stack struct {
		dir                       string
		to                        int // the newest release of v2
		deploy, releases, rollbck []time.Duration
	}
	prepare := func(n int) *stack {
		st := &stack{dir: testproject.Copy(b)}
		deployCmd(b, st.dir, "staging", image("v1"))
		_, second := deployCmd(b, st.dir, "staging", image("v2"))
		st.to = second.Release.ID
		if n > 2 {
			padHistory(b, st.dir, n)
			st.to = n
		}
		return st
	}
	for i := 0; i < b.N; i++ {
		short, long := prepare(2), prepare(200)
		for k := 0; k < reps; k++ {
			for _, st := range []*stack{short, long} {
				d, _ := deployCmd(b, st.dir, "staging", image(fmt.Sprintf("v%d", k+3)))
				st.deploy = append(st.deploy, d)
				st.releases = append(st.releases, command(b, st.dir, "staging", func(s *deploy.Session) {
					_, err := s.Releases(ctx)
					require.NoError(b, err)
				}))
				st.rollbck = append(st.rollbck, rollbackCmd(b, st.dir, "staging", st.to))
			}
		}
		report := func(name string, a, z []time.Duration) {
			b.ReportMetric(ms(fastest(a)), name+"@2-ms")
			b.ReportMetric(ms(fastest(z)), name+"@200-ms")
			b.ReportMetric(float64(fastest(z))/float64(fastest(a)), name+"-200/2")
		}
		report("deploy", short.deploy, long.deploy)
		report("releases", short.releases, long.releases)
		report("rollback", short.rollbck, long.rollbck)
	}
}

// padHistory makes the staging stack's backend look like n deploys: release
// records 3..n copied from 1 and 2 (alternating, n itself from 2), and
// Pulumi's per-update history and checkpoint files copied to older times.
func padHistory(b *testing.B, dir string, n int) {
	b.Helper()
	ctx := context.Background()
	s := openDeploy(b, dir, "staging", nil)
	defer s.Close()
	prefix := "releases/" + s.ProjectName() + "/staging/"
	key := func(id int) string { return fmt.Sprintf("%s%010d.json", prefix, id) }
	var recs [2][]byte
	for i := range recs {
		raw, err := s.Store().Get(ctx, key(i+1))
		require.NoError(b, err)
		recs[i] = raw
	}
	for id := 3; id <= n; id++ {
		require.NoError(b, s.Store().Create(ctx, key(id), recs[(id+1)%2]))
	}
	hist := filepath.Join(dir, ".kirikae", "sandbox", "state", ".pulumi", "history", s.ProjectName(), "staging")
	entries, err := os.ReadDir(hist)
	require.NoError(b, err)
	for i := 0; i < n-2; i++ {
		for _, e := range entries {
			name := e.Name()
			stamp, rest, ok := strings.Cut(strings.TrimPrefix(name, "staging-"), ".")
			ts, err := strconv.ParseInt(stamp, 10, 64)
			if !ok || err != nil {
				continue
			}
			raw, err := os.ReadFile(filepath.Join(hist, name))
			require.NoError(b, err)
			older := fmt.Sprintf("staging-%d.%s", ts-int64(i+1)*int64(time.Hour), rest)
			require.NoError(b, os.WriteFile(filepath.Join(hist, older), raw, 0o600))
		}
	}
}

// BenchmarkRollbackVsDeploy: the same switch both ways, end to end
// (verification included): a deploy v1 → v2, then its rollback v2 → v1.
// And `up` with nothing to do (a plan whose preview shows no change, which
// is where the command stops) against `preview`.
func BenchmarkRollbackVsDeploy(b *testing.B) {
	ctx := context.Background()
	dir := testproject.Copy(b)
	_, first := deployCmd(b, dir, "staging", image("v1"))
	for i := 0; i < b.N; i++ {
		var dep, rb, preview, noop []time.Duration
		for k := 0; k < reps; k++ {
			d, _ := deployCmd(b, dir, "staging", image(fmt.Sprintf("v%d", k+2)))
			dep = append(dep, d)
			rb = append(rb, rollbackCmd(b, dir, "staging", first.Release.ID))
			preview = append(preview, command(b, dir, "staging", func(s *deploy.Session) {
				_, err := s.Preview(ctx, deploy.PreviewOptions{})
				require.NoError(b, err)
			}))
			noop = append(noop, command(b, dir, "staging", func(s *deploy.Session) {
				p, err := s.PlanDeploy(ctx, deploy.DeployRequest{})
				require.NoError(b, err)
				require.False(b, p.Preview.HasChanges())
			}))
		}
		b.ReportMetric(ms(fastest(dep)), "deploy-ms")
		b.ReportMetric(ms(fastest(rb)), "rollback-ms")
		b.ReportMetric(float64(fastest(rb))/float64(fastest(dep)), "rollback/deploy")
		b.ReportMetric(ms(fastest(preview)), "preview-ms")
		b.ReportMetric(ms(fastest(noop)), "noop-up-ms")
		b.ReportMetric(float64(fastest(noop))/float64(fastest(preview)), "noop-up/preview")
	}
}

// BenchmarkModeledAWSTime: the AWS time the sandbox's latency model
// (sandbox/core/latency.go) charges a deploy of a new release, a promote and a
// rollback to the previous release, per backend and for the frontend, with
// the scaled clock at 1/100 unless KIRIKAE_SANDBOX_TIME_SCALE says
// otherwise. Each figure is the model's time for that part's own
// operations (modeledOf), so an image deploy that leaves the frontend
// alone charges the frontend nothing. scripts/bench modeled prints them as
// one JSON object.
func BenchmarkModeledAWSTime(b *testing.B) {
	if os.Getenv("KIRIKAE_SANDBOX_TIME_SCALE") == "" {
		b.Setenv("KIRIKAE_SANDBOX_TIME_SCALE", "0.01")
	}
	ctx := context.Background()
	modeled := func(part string, f func()) time.Duration {
		sandbox.ResetModeledTime()
		f()
		return modeledOf(sandbox.ModeledTime(), part)
	}
	promote := func(dir string) {
		command(b, dir, "product", func(prod *deploy.Session) {
			src := openDeploy(b, dir, "staging", nil)
			defer src.Close()
			p, err := prod.PlanPromote(ctx, src, 0)
			require.NoError(b, err)
			_, err = prod.Deploy(ctx, p, deploy.DeployOptions{})
			require.NoError(b, err)
		})
	}
	for _, backend := range []string{stacks.BackendECS, stacks.BackendLambda} {
		dir := testproject.Copy(b)
		release := func(tag string) map[string]string { return image(tag) }
		if backend == stacks.BackendLambda {
			for _, st := range []string{"staging", "product"} {
				setStackValue(b, dir, st, stacks.KeyBackend, stacks.BackendLambda)
			}
			release = func(tag string) map[string]string {
				lambdaZip(b, dir, tag) // new code at the stack's lambdaArtifact
				return nil
			}
		}
		_, first := deployCmd(b, dir, "staging", release("v1"))
		promote(dir)
		var dep, prom, rb time.Duration
		for i := 0; i < b.N; i++ {
			dep = modeled(backend, func() { deployCmd(b, dir, "staging", release(fmt.Sprintf("v%d", i+2))) })
			prom = modeled(backend, func() { promote(dir) })
			rb = modeled(backend, func() { rollbackCmd(b, dir, "staging", first.Release.ID) })
		}
		b.ReportMetric(dep.Seconds(), backend+"-deploy-s")
		b.ReportMetric(rb.Seconds(), backend+"-rollback-s")
		b.ReportMetric(prom.Seconds(), backend+"-promote-s")
		b.ReportMetric(float64(rb)/float64(dep), backend+"-rollback/deploy")
		if backend != stacks.BackendECS {
			continue
		}
		// The frontend on the ECS stack: a deploy of a new frontend
		// release (upload, carry-over, switch) and the rollback to the
		// release before it (switch only).
		var fdep, frb time.Duration
		for i := 0; i < b.N; i++ {
			_, before := deployCmd(b, dir, "staging", map[string]string{stacks.KeyFrontendRelease: fmt.Sprintf("f%d", 2*i+1)})
			fdep = modeled(partFrontend, func() {
				deployCmd(b, dir, "staging", map[string]string{stacks.KeyFrontendRelease: fmt.Sprintf("f%d", 2*i+2)})
			})
			frb = modeled(partFrontend, func() { rollbackCmd(b, dir, "staging", before.Release.ID) })
		}
		b.ReportMetric(fdep.Seconds(), partFrontend+"-deploy-s")
		b.ReportMetric(frb.Seconds(), partFrontend+"-rollback-s")
	}
}

const partFrontend = "frontend"

// modelParts says which part of a release each modeled operation belongs
// to: the API's backend or the frontend.
var modelParts = map[sandbox.LatencyKind]string{
	sandbox.ECSSteadyState:        stacks.BackendECS,
	sandbox.ListenerModify:        stacks.BackendECS,
	sandbox.LambdaPublish:         stacks.BackendLambda,
	sandbox.LambdaAlias:           stacks.BackendLambda,
	sandbox.KVSPropagation:        partFrontend,
	sandbox.InvalidationCompleted: partFrontend,
	sandbox.DistributionUpdate:    partFrontend,
}

// modeledOf sums m's operations that belong to part.
func modeledOf(m sandbox.Modeled, part string) time.Duration {
	var d time.Duration
	for kind, v := range m.ByKind {
		if modelParts[kind] == part {
			d += v
		}
	}
	return d
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
	up(b, s)
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

// BenchmarkFrontendReleases: three frontend releases of a 2,000-file build
// (index.html and 1,999 content-hashed 4 KB chunks, as a bundler names
// them) through the deploy a user runs (`up --frontend-release`: plan,
// upload, switch, verify, record, prune), end to end, in one run: release
// 1 uploads everything, release 2 changes one file (index.html), release
// 3 is identical to release 2. KIRIKAE_BENCH_FILES sets a smaller build.
func BenchmarkFrontendReleases(b *testing.B) {
	files := 2000
	if n, err := strconv.Atoi(os.Getenv("KIRIKAE_BENCH_FILES")); err == nil && n > 1 {
		files = n
	}
	for i := 0; i < b.N; i++ {
		dir := testproject.Copy(b)
		deployCmd(b, dir, "staging", image("v1"))
		dist := filepath.Join(dir, "web", "dist")
		require.NoError(b, os.RemoveAll(dist))
		require.NoError(b, os.MkdirAll(dist, 0o755))
		for n := 1; n < files; n++ {
			body := []byte(strings.Repeat(fmt.Sprintf("%04d", n), 1<<10))
			sum := md5.Sum(body)
			name := fmt.Sprintf("chunk%04d.%x.js", n, sum[:4])
			require.NoError(b, os.WriteFile(filepath.Join(dist, name), body, 0o644))
		}
		page := func(text string) {
			require.NoError(b, os.WriteFile(filepath.Join(dist, "index.html"), []byte("<p>"+text+"</p>"), 0o644))
		}
		var took [3]time.Duration
		for r := range took {
			if r < 2 {
				page(fmt.Sprintf("release %d", r+1)) // release 3 keeps release 2's page
			}
			took[r], _ = deployCmd(b, dir, "staging", map[string]string{stacks.KeyFrontendRelease: fmt.Sprintf("big%d", r+1)})
		}
		for r, d := range took {
			b.ReportMetric(ms(d), fmt.Sprintf("release%d-ms", r+1))
		}
		b.Logf("releases of %d files: %v", files, took)
		// The stack's tasks stop before the temp dir is removed.
		acct, err := deploy.OpenSandboxAccount(dir, "staging")
		require.NoError(b, err)
		require.NoError(b, acct.StopWorkloads())
		b.ReportMetric(float64(took[1])/float64(took[0]), "release2/release1")
		b.ReportMetric(float64(took[2])/float64(took[0]), "release3/release1")
	}
}
