package deploy_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/build"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/sandbox"
	"github.com/kirikae/kirikae/stacks"
)

// pushProgram builds the main package pkg (relative to the repository) with
// version baked in and pushes it to the stack's sandbox repository as tag,
// as `kirikae sandbox push-image` does.
func pushProgram(t testing.TB, dir, stack, tag, pkg, version string) {
	t.Helper()
	cfg, err := stacks.Load(dir, stack)
	require.NoError(t, err)
	out := filepath.Join(t.TempDir(), "program")
	require.NoError(t, build.Binary(t.Context(), filepath.Join(testproject.Root(t), pkg), runtime.GOOS, runtime.GOARCH, version, out))
	program, err := os.ReadFile(out)
	require.NoError(t, err)
	_, err = account(t, dir).PushImage(cfg.ImageRepository, tag, "", program)
	if sandbox.ErrorCode(err) == "ImageTagAlreadyExistsException" {
		// deployImage already pushed this tag from the app, as a pipeline
		// would; the repository's tags are immutable.
		return
	}
	require.NoError(t, err)
}

const (
	appPkg      = "app/cmd/server"
	workloadPkg = "internal/testproject/workload" // misbehaves by its version's name
)

// A release whose tasks crash, or never pass the target group's health
// check, is stopped by ECS's deployment circuit breaker while it is staged
// on the idle colour: kirikae fails and the old version keeps serving.
func TestBrokenImagesTripTheCircuitBreaker(t *testing.T) {
	t.Parallel()
	dir := testproject.Copy(t)
	s := openDeploy(t, dir, "staging", nil)
	deployImage(t, s, "v1")
	_, v := served(t, dir, s, infra.OutputURL, "/version")
	require.Equal(t, "v1", v, "the real v1 program answers")

	for _, bad := range []string{"v2-crash", "v3-unhealthy"} {
		pushProgram(t, dir, "staging", bad, workloadPkg, bad)
		_, err := deployWith(s, map[string]string{stacks.KeyImageTag: bad})
		var cb *deploy.CircuitBreakerError
		require.ErrorAs(t, err, &cb, "%s: got %v", bad, err)
		assert.NotEqual(t, cb.Requested, cb.Running)
		assert.Equal(t, "v1", outputOf(t, s, infra.OutputImageTag))
		status, v := served(t, dir, s, infra.OutputURL, "/version")
		assert.Equal(t, 200, status)
		assert.Equal(t, "v1", v, "%s: the old version keeps serving", bad)
	}

	// A good release still goes out afterwards.
	pushProgram(t, dir, "staging", "v4", appPkg, "v4")
	deployImage(t, s, "v4")
	_, v = served(t, dir, s, infra.OutputURL, "/version")
	assert.Equal(t, "v4", v)
}

// An image missing from ECR never reaches ECS: up's preflight refuses it
// (TestPreflightRefusesAnImageNotInECR); a task whose image disappears
// after the preflight fails to pull and trips the circuit breaker
// (sandbox's TestECSRunsTheImagesProgramAndTheCircuitBreakerRollsBack).

// Four Lambda code deploys, each served by the code it published: the
// sandbox runs each version's own bootstrap (the zip is rebuilt at one
// path, so serving stale code would answer the previous release), for the
// architecture the function declares (arm64, under qemu on this machine).
// Verification compares the published version the function reports
// (AWS_LAMBDA_FUNCTION_VERSION, set by the runtime for the version it runs).
func TestLambdaCodeDeploysRunTheNewCode(t *testing.T) {
	t.Parallel()
	dir, lambdaBuild := lambdaProject(t)
	s := openDeploy(t, dir, "staging", nil)
	for i, want := range []string{"r1", "r2", "r3", "r4"} {
		lambdaBuild(want)
		res, err := deployWith(s, nil)
		require.NoError(t, err, "deploy %d", i+1)
		assert.Equal(t, strconv.Itoa(i+1), res.Release.LambdaVersion)
		status, v := served(t, dir, s, infra.OutputURL, "/version")
		assert.Equal(t, 200, status)
		assert.Equal(t, want, v, "deploy %d is served by its own code", i+1)
	}
}

// A release whose program passes /healthz (so the rollout and verification
// succeed) but answers 500 on /api/… trips the stack's ALB 5xx alarm from
// what the front door served, and the watch after the switch rolls it back.
func TestA5xxReleaseIsRolledBackByTheWatch(t *testing.T) {
	// A twentieth of AWS's time: the watch lasts 6 s, the alarm's period 3 s.
	t.Setenv("KIRIKAE_SANDBOX_TIME_SCALE", "0.05")
	dir := testproject.Copy(t)
	s, err := deploy.Open(context.Background(), deploy.Options{ProjectDir: dir, Stack: "staging", Sandbox: true, CLI: testproject.CLI(t)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	deployImage(t, s, "v1")
	pushProgram(t, dir, "staging", "v2-api500", workloadPkg, "v2-api500")

	// Users keep calling the API through the ALB while the release goes out.
	acct := account(t, dir)
	addr, closer, err := sandbox.ListenHTTP(context.Background(), acct)
	require.NoError(t, err)
	defer closer.Close()
	client := sandbox.FrontDoorClient(addr)
	url := outputOf(t, s, infra.OutputURL)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if resp, err := client.Get(url + "/api/hello"); err == nil {
				resp.Body.Close()
			}
		}
	}()
	_, err = deployWith(s, map[string]string{stacks.KeyImageTag: "v2-api500"})
	close(stop)
	wg.Wait()
	var vf *deploy.VerifyFailedError
	require.ErrorAs(t, err, &vf, "got %v", err)
	assert.Equal(t, "watch", vf.Check)
	assert.Contains(t, err.Error(), "alb-5xx")
	_, v := served(t, dir, s, infra.OutputURL, "/version")
	assert.Equal(t, "v1", v, "switched back to the release that works")
}

// A Lambda stack on a machine without qemu-user: the arm64 bootstrap
// cannot start, and the failed verification says why, from the
// function's log, instead of a bare status 500.
func TestLambdaWithoutEmulatorFailsNamingIt(t *testing.T) {
	if runtime.GOARCH == "arm64" {
		t.Skip("arm64 runs the bootstrap natively; no emulator is needed")
	}
	dir, lambdaBuild := lambdaProject(t)
	lambdaBuild("r1")
	s := openDeploy(t, dir, "staging", nil)
	// The sandbox runs in this process: without qemu on PATH it finds none.
	t.Setenv("PATH", t.TempDir())
	_, err := deployWith(s, nil)
	var vf *deploy.VerifyFailedError
	require.ErrorAs(t, err, &vf)
	assert.Contains(t, err.Error(), "the function's log says: ")
	assert.Contains(t, err.Error(), "apt-get install qemu-user")
}

// lambdaProject copies the test project as a Lambda stack deploying
// build/lambda.zip, and returns its directory and a function that builds
// app/cmd/lambda (arm64) reporting version into that zip, returning the
// zip's bytes.
func lambdaProject(t *testing.T) (string, func(version string) []byte) {
	t.Helper()
	dir := testproject.Copy(t)
	setStackValue(t, dir, "staging", stacks.KeyBackend, stacks.BackendLambda)
	setStackValue(t, dir, "staging", stacks.KeyLambdaArtifact, "build/lambda.zip")
	zip := filepath.Join(dir, "build", "lambda.zip")
	require.NoError(t, os.MkdirAll(filepath.Dir(zip), 0o755))
	src := filepath.Join(testproject.Root(t), "app", "cmd", "lambda")
	return dir, func(version string) []byte {
		t.Helper()
		require.NoError(t, build.LambdaZip(t.Context(), src, "arm64", version, zip))
		raw, err := os.ReadFile(zip)
		require.NoError(t, err)
		return raw
	}
}
