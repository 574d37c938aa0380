package sandbox

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
)

// The AWS CLI sets an alarm's state through the endpoint and sees it back
// in DescribeAlarms until the alarm's next evaluation; an unknown alarm
// and an invalid state are refused the way CloudWatch refuses them.
func TestAWSCLISetAlarmState(t *testing.T) {
	needAWSCLI(t)
	_, ep := awsAccount(t)
	// AWS's own clock: the next evaluation of a 60-second alarm is a
	// minute away at most, longer than these few CLI calls take.
	t.Setenv("KIRIKAE_SANDBOX_TIME_SCALE", "1")
	out, errOut, ok := awsCLI(t, ep, core.AccessKeyID, core.SecretAccessKey, "cloudwatch", "set-alarm-state",
		"--alarm-name", "api-errors", "--state-value", "ALARM", "--state-reason", "testing the rollback")
	require.True(t, ok, "set-alarm-state: %s", errOut)
	assert.Empty(t, out, "SetAlarmState has no output")

	got := awsJSON(t, ep, "cloudwatch", "describe-alarms", "--alarm-names", "api-errors")
	alarms := got["MetricAlarms"].([]any)
	require.Len(t, alarms, 1)
	al := alarms[0].(map[string]any)
	assert.Equal(t, "ALARM", al["StateValue"])
	assert.Equal(t, "testing the rollback", al["StateReason"])

	firing := awsJSON(t, ep, "cloudwatch", "describe-alarms", "--state-value", "ALARM")
	assert.Len(t, firing["MetricAlarms"], 1, "the state filter sees the new state")

	_, errOut, ok = awsCLI(t, ep, core.AccessKeyID, core.SecretAccessKey, "cloudwatch", "set-alarm-state",
		"--alarm-name", "nope", "--state-value", "OK", "--state-reason", "x")
	assert.False(t, ok)
	assert.Contains(t, errOut, "ResourceNotFound")

	_, errOut, ok = awsCLI(t, ep, core.AccessKeyID, core.SecretAccessKey, "cloudwatch", "set-alarm-state",
		"--alarm-name", "api-errors", "--state-value", "BROKEN", "--state-reason", "x")
	assert.False(t, ok)
	assert.Contains(t, errOut, "BROKEN")
	got = awsJSON(t, ep, "cloudwatch", "describe-alarms", "--alarm-names", "api-errors")
	assert.Equal(t, "ALARM", got["MetricAlarms"].([]any)[0].(map[string]any)["StateValue"], "a refused call changes nothing")

	// At the next evaluation (a second away on the sandbox's default
	// clock) the alarm is what its data says: no data, treated as missing.
	t.Setenv("KIRIKAE_SANDBOX_TIME_SCALE", "")
	time.Sleep(1100 * time.Millisecond)
	got = awsJSON(t, ep, "cloudwatch", "describe-alarms", "--alarm-names", "api-errors")
	assert.Equal(t, "INSUFFICIENT_DATA", got["MetricAlarms"].([]any)[0].(map[string]any)["StateValue"])
}
