package deploy_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

// After the switch kirikae watches the stack's alarms (DescribeAlarms
// through the sandbox's endpoint); one in ALARM switches back by itself.
func TestAnAlarmDuringTheWatchSwitchesBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := testproject.Copy(t)
	var phases []string
	s := openDeploy(t, dir, "staging", &phases)
	deployImage(t, s, "v1")
	deployImage(t, s, "v2")
	assert.Contains(t, phases, "watch: no alarm fired")

	// CloudWatch's SetAlarmState, as a test would use it on AWS.
	require.NoError(t, account(t, dir).SetAlarmState("kirikae-staging-alb-5xx", "ALARM", "Threshold Crossed: 12 >= 10"))
	_, err := deployWith(s, map[string]string{stacks.KeyImageTag: "v3"})
	var vf *deploy.VerifyFailedError
	require.ErrorAs(t, err, &vf)
	assert.Equal(t, "watch", vf.Check)
	assert.Contains(t, err.Error(), "kirikae-staging-alb-5xx entered ALARM")
	assert.Positive(t, vf.RolledBackTo, "switched back by itself")
	assert.Equal(t, "v2", outputOf(t, s, infra.OutputImageTag))
	_, v := served(t, dir, s, infra.OutputURL, "/healthz")
	assert.Equal(t, "v2", v)

	rels, err := s.Releases(ctx)
	require.NoError(t, err)
	assert.Equal(t, deploy.KindAutoRollback, rels[0].Kind)
	assert.Equal(t, "v3", rels[1].ImageTag)
	assert.Equal(t, deploy.VerifyFailed, rels[1].Verified)
	assert.True(t, strings.HasPrefix(rels[1].Reason, "watch: alarm kirikae-staging-alb-5xx"), rels[1].Reason)

	// kirikae:watchTime 0 turns the watch off.
	setStackValue(t, dir, "staging", stacks.KeyWatchTime, "0s")
	s2 := openDeploy(t, dir, "staging", nil)
	deployImage(t, s2, "v4")
}
