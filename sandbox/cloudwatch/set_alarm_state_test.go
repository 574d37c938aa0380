package cloudwatch

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
)

// account is a fresh account holding one alarm on the Sum of AWS/X M
// (dimension A=a) over 60-second periods, threshold 5, missing data not
// breaching: kirikae's alarms' shape.
func account(t *testing.T) *core.Account {
	t.Helper()
	a, err := core.OpenAccount(t.TempDir())
	require.NoError(t, err)
	require.NoError(t, a.Update(func(st *core.State) error {
		if st.Resources == nil {
			st.Resources = map[string]*core.Record{}
		}
		st.Resources[core.RecordKey(core.TokAlarm, "errors")] = &core.Record{Resource: core.Resource{Type: core.TokAlarm, ID: "errors",
			Outputs: map[string]any{"name": "errors", "namespace": "AWS/X", "metricName": "M", "statistic": "Sum",
				"dimensions": map[string]any{"A": "a"}, "period": 60.0, "evaluationPeriods": 1.0, "threshold": 5.0,
				"comparisonOperator": "GreaterThanOrEqualToThreshold", "treatMissingData": "notBreaching"}}}
		return nil
	}))
	return a
}

// describe evaluates the account's alarms at now, as DescribeAlarms does.
func describe(t *testing.T, a *core.Account, now time.Time) metricAlarm {
	t.Helper()
	var out []metricAlarm
	require.NoError(t, a.Update(func(st *core.State) error {
		out = describeAlarms(st, alarmFilter{}, evaluator(a, now))
		return nil
	}))
	require.Len(t, out, 1)
	return out[0]
}

// SetAlarmState lasts until the alarm's next evaluation, a minute at most
// for a 60-second period (on the scaled clock): then the alarm is what its
// metric data says, here OK (no data, not breaching). Data that breaches
// brings it back to ALARM by itself.
func TestSetAlarmStateLastsUntilTheNextEvaluation(t *testing.T) {
	t.Setenv("KIRIKAE_SANDBOX_TIME_SCALE", "0.5") // evaluated every 30 s
	a := account(t)
	set := time.Now()
	require.NoError(t, SetAlarmState(a, "errors", "ALARM", "testing the rollback"))

	got := describe(t, a, set.Add(20*time.Second))
	assert.Equal(t, "ALARM", got.StateValue, "before the next evaluation")
	assert.Equal(t, "testing the rollback", got.StateReason)

	got = describe(t, a, set.Add(31*time.Second))
	assert.Equal(t, "OK", got.StateValue, "the next evaluation returns it to what the data says: %s", got.StateReason)
	assert.Equal(t, "OK", describe(t, a, set.Add(25*time.Second)).StateValue, "and it stays evaluated")

	for range 6 {
		Record(a, "AWS/X", "M", map[string]string{"A": "a", "B": "more"})
	}
	got = describe(t, a, time.Now())
	assert.Equal(t, "ALARM", got.StateValue, got.StateReason)
	assert.Contains(t, got.StateReason, "Threshold Crossed: 1 out of the last 1 datapoints [6]")
}

// With the sandbox's default clock (a time scale of 0) the next
// evaluation is a second away, as "often within seconds" on AWS.
func TestSetAlarmStateAtTheDefaultTimeScale(t *testing.T) {
	t.Setenv("KIRIKAE_SANDBOX_TIME_SCALE", "")
	a := account(t)
	set := time.Now()
	require.NoError(t, SetAlarmState(a, "errors", "ALARM", "x"))
	assert.Equal(t, "ALARM", describe(t, a, set.Add(500*time.Millisecond)).StateValue)
	assert.Equal(t, "OK", describe(t, a, set.Add(1100*time.Millisecond)).StateValue)
	require.Error(t, SetAlarmState(a, "nope", "ALARM", "x"))
}

// Lambda's Errors are binary per invocation: the Average over a period is
// the error rate, the Sum the count. CloudFront's 5xxErrorRate is the
// percentage of the viewer requests answered with a 5xx.
func TestRecordedServiceMetrics(t *testing.T) {
	a := account(t)
	fn := map[string]string{"FunctionName": "f", "Resource": "f:live"}
	RecordInvocation(a, fn, true)
	for range 3 {
		RecordInvocation(a, fn, false)
	}
	RecordCloudFront(a, "E1", 503)
	RecordCloudFront(a, "E1", 200)
	now := time.Now().Add(time.Millisecond)
	data := datapoints(a, now.Add(-time.Minute))
	r := alarmRule{Namespace: "AWS/Lambda", Metric: "Errors", Dims: []alarmDimension{{Name: "Resource", Value: "f:live"}},
		Statistic: "Sum", Period: time.Minute, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: "GreaterThanOrEqualToThreshold"}
	assert.Equal(t, "ALARM", evaluate(r, data, now, core.AlarmState{}).Value, "one error")
	r.Statistic, r.Threshold = "Average", 0.5
	assert.Equal(t, "OK", evaluate(r, data, now, core.AlarmState{}).Value, "a quarter of the invocations failed")
	r.Metric, r.Statistic, r.Threshold = "Invocations", "Sum", 4
	assert.Equal(t, "ALARM", evaluate(r, data, now, core.AlarmState{}).Value)

	cf := alarmRule{Namespace: "AWS/CloudFront", Metric: "5xxErrorRate", Dims: []alarmDimension{{Name: "DistributionId", Value: "E1"}, {Name: "Region", Value: "Global"}},
		Statistic: "Average", Period: time.Minute, EvaluationPeriods: 1, Threshold: 50, ComparisonOperator: "GreaterThanOrEqualToThreshold"}
	assert.Equal(t, "ALARM", evaluate(cf, data, now, core.AlarmState{}).Value, "half the requests were 5xx")
	cf.Threshold = 51
	assert.Equal(t, "OK", evaluate(cf, data, now, core.AlarmState{}).Value)
}
