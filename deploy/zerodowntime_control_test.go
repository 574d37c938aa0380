package deploy_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/sandbox"
	"github.com/kirikae/kirikae/stacks"
)

// The negative control of TestZeroDowntimeUnderLoad: the same load and the
// same broken release (v5, which answers as another version), with the
// test listener off. Nothing can check the idle colour before the flip, so
// the release goes live, users are served by it until the live check
// catches it and switches back, and the load counts those answers as
// failures. If this test passed with zero failures, the zero-downtime
// test's "0 failures" would prove nothing.
func TestZeroDowntimeFailsWithoutTheTestListener(t *testing.T) {
	testproject.Long(t, "a deploy under load")
	dir := testproject.Copy(t)
	setStackValue(t, dir, "staging", stacks.KeyTestListenerPort, `"0"`)
	s := openDeploy(t, dir, "staging", nil)
	deployImage(t, s, "v1")
	pushProgram(t, dir, "staging", "v5", appPkg, "v5-impostor")

	addr, closer, err := sandbox.ListenHTTP(context.Background(), account(t, dir))
	require.NoError(t, err)
	defer closer.Close()
	l := newLoadRun(sandbox.FrontDoorClient(addr), outputOf(t, s, infra.OutputURL), []loadPhase{
		{"v5 (answers v5-impostor), no test listener", []string{"v1"}},
	})
	v, err := l.get("/version")
	require.NoError(t, err)
	require.Equal(t, "v1", v)

	stopLoad := l.start()
	defer stopLoad()
	time.Sleep(500 * time.Millisecond)
	_, err = deployWith(s, map[string]string{stacks.KeyImageTag: "v5"})
	var vf *deploy.VerifyFailedError
	require.ErrorAs(t, err, &vf, "v5: got %v", err)
	assert.NotEqual(t, "idle", vf.Check, "with no test listener the idle colour cannot be checked")
	time.Sleep(500 * time.Millisecond)
	stopLoad()
	l.report(t)

	c := l.counts[0]
	assert.NotZero(t, c.failures, "the load must see the broken release that went live: without failures here, the zero-downtime test cannot fail")
	assert.NotZero(t, c.versions["v5-impostor"], "users were served by the broken release")
	assert.Equal(t, "v1", outputOf(t, s, infra.OutputImageTag), "the failed release was switched back")
}
