package deploy_test

import (
	"context"
	"net/http"
	"strings"
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

// A switch update that fails after the production listener moved leaves
// the new colour serving unverified unless kirikae switches back: the
// second listener update of the switch (of the production and the test
// listener) fails, and the last verified release is live again.
func TestAFailedSwitchUpdateSwitchesBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := testproject.Copy(t)
	s := openDeploy(t, dir, "staging", nil)
	deployImage(t, s, "v1")
	require.NoError(t, pushImage(ctx, s, "v2"))
	require.NoError(t, account(t, dir).InjectFault(sandbox.Fault{Op: "update", Type: "aws:lb/listener:Listener", Nth: 2, Message: "injected: listener update failed"}))

	_, err := deployWith(s, map[string]string{stacks.KeyImageTag: "v2"})
	require.Error(t, err)
	status, v := served(t, dir, s, infra.OutputURL, "/healthz")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "v1", v, "the verified release serves, not the half-switched one")
	var uf *deploy.UpdateFailedError
	require.ErrorAs(t, err, &uf, "got %v", err)
	assert.Contains(t, err.Error(), "up staging failed")
	assert.Contains(t, err.Error(), "release 1 (image v1")
	assert.Contains(t, err.Error(), "is back live and verified")
	assert.Equal(t, "v1", outputOf(t, s, infra.OutputImageTag))
	recs, err := s.Journal(ctx, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, "recover", recs[0].Start.Op)
	assert.Equal(t, "succeeded", recs[0].Result)
}

// Replacing the target groups (a containerPort change) leaves no warm
// colour: the deploy is refused, naming them, and nothing changes.
func TestATargetGroupReplacementNeedsAllowDowntime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := testproject.Copy(t)
	s := openDeploy(t, dir, "staging", nil)
	deployImage(t, s, "v1")
	before := historyLen(t, s)

	setStackValue(t, dir, "staging", stacks.KeyContainerPort, "8081")
	s = openDeploy(t, dir, "staging", nil)
	p, err := s.PlanDeploy(ctx, deploy.DeployRequest{})
	require.NoError(t, err)
	_, err = s.Deploy(ctx, p, deploy.DeployOptions{})
	var dt *deploy.DowntimeError
	require.ErrorAs(t, err, &dt)
	assert.Implements(t, (*deploy.BadInput)(nil), err, "exit 2: the user decides")
	assert.Contains(t, err.Error(), "aws:lb/targetGroup:TargetGroup")
	assert.True(t, strings.Contains(err.Error(), "blue") && strings.Contains(err.Error(), "green"), err.Error())
	assert.Contains(t, dt.Hint(deploy.Invocation{Sandbox: true}), "--allow-downtime")
	assert.Equal(t, before, historyLen(t, s), "nothing changed")
}
