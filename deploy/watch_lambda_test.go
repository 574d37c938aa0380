package deploy_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/build"
	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

// A Lambda canary whose function errors trip the alarm on alias live
// during its bake never gets the rest of the traffic: while it bakes,
// GetAlias routes a tenth to the new version; after the alarm, the old
// version is primary again and nothing routes to the new one.
func TestALambdaCanaryTrippingAnAlarmNeverReachesAllTraffic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := testproject.Copy(t)
	setStackValue(t, dir, "staging", stacks.KeyBackend, stacks.BackendLambda)
	setStackValue(t, dir, "staging", stacks.KeyStrategy, "canary")
	// 2 errors per period (a second on the sandbox's clock): a tenth of
	// the requests reach the canary, each under qemu on this machine.
	setStackValue(t, dir, "staging", stacks.KeyAlarmLambdaErrors, `"2"`)
	errorsAlarm := testproject.Stack(t, dir, "staging").ServiceName + "-staging-lambda-errors"
	var phases []string
	s := openDeploy(t, dir, "staging", &phases)
	testLambdaZip(t, dir, "r1")
	first, err := deployWith(s, nil)
	require.NoError(t, err)

	testLambdaZip(t, dir, "r2-errors")
	client, url := frontDoor(t, dir, "staging"), outputOf(t, s, infra.OutputURL)
	var during cloud.AliasStatus
	bakes := 0
	deploy.SetSleep(s, func(context.Context, time.Duration) error {
		bakes++
		if bakes == 1 {
			during, err = deploy.LiveAlias(ctx, s)
			require.NoError(t, err)
			// Users call the API; the canary's invocations fail until
			// the alarm fires from them.
			for range 40 {
				for range 20 {
					if resp, err := client.Get(url + "/api/hello"); err == nil {
						resp.Body.Close()
					}
				}
				if alarmStates(t, s)[errorsAlarm] == "ALARM" {
					break
				}
			}
		}
		return nil
	})
	phases = nil
	_, err = deployWith(s, nil)
	var vf *deploy.VerifyFailedError
	require.ErrorAs(t, err, &vf, "got %v", err)
	assert.Contains(t, err.Error(), "lambda-errors entered ALARM")
	assert.Equal(t, first.Release.LambdaVersion, during.Version, "the old version stayed primary while the canary baked")
	assert.NotEmpty(t, during.Canary)
	assert.InDelta(t, 0.1, during.CanaryWeight, 0.001)
	for _, p := range phases {
		assert.False(t, strings.HasPrefix(p, "switch:"), "never switched: %s", p)
	}
	after, err := deploy.LiveAlias(ctx, s)
	require.NoError(t, err)
	assert.Equal(t, cloud.AliasStatus{Version: first.Release.LambdaVersion}, after, "GetAlias: the old version, no weight on the canary")
}

// testLambdaZip builds the misbehaving test function
// (internal/testproject/lambda) where the stack's kirikae:lambdaArtifact
// points.
func testLambdaZip(t testing.TB, dir, version string) {
	t.Helper()
	require.NoError(t, build.LambdaZip(context.Background(), filepath.Join(testproject.Root(t), "internal", "testproject", "lambda"), "", version,
		filepath.Join(dir, "dist", "lambda.zip")))
}
