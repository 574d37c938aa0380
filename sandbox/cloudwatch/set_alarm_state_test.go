package cloudwatch

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
)

// account is a fresh account holding one alarm on the Sum of AWS/X M
// (dimension A=a) over periods of the given seconds, threshold 5, missing
// data not breaching: kirikae's alarms' shape.
func account(t *testing.T, period float64) *core.Account {
	t.Helper()
	a, err := core.OpenAccount(t.TempDir())
	require.NoError(t, err)
	require.NoError(t, a.Update(func(st *core.State) error {
		if st.Resources == nil {
			st.Resources = map[string]*core.Record{}
		}
		st.Resources[core.RecordKey(core.TokAlarm, "errors")] = &core.Record{Resource: core.Resource{Type: core.TokAlarm, ID: "errors",
			Outputs: map[string]any{"name": "errors", "namespace": "AWS/X", "metricName": "M", "statistic": "Sum",
				"dimensions": map[string]any{"A": "a"}, "period": period, "evaluationPeriods": 1.0, "threshold": 5.0,
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
	a := account(t, 60)
	set := time.Now()
	require.NoError(t, SetAlarmState(a, "errors", "ALARM", "testing the rollback"))

	got := describe(t, a, set.Add(20*time.Second))
	assert.Equal(t, "ALARM", got.StateValue, "before the next evaluation")
	assert.Equal(t, "testing the rollback", got.StateReason)

	got = describe(t, a, set.Add(31*time.Second))
	assert.Equal(t, "OK", got.StateValue, "the next evaluation returns it to what the data says: %s", got.StateReason)
}

// An alarm changes state when it is evaluated, every minute for a period
// of a minute or more, not when it is looked at: data breaching since the
// last evaluation shows at the next one.
func TestAlarmsChangeStateAtTheirEvaluations(t *testing.T) {
	t.Setenv("KIRIKAE_SANDBOX_TIME_SCALE", "0.1") // 5-minute period: 30 s; evaluated every 6 s
	a := account(t, 300)
	now := time.Now()
	assert.Equal(t, "OK", describe(t, a, now).StateValue, "no data, not breaching")
	for range 6 {
		Record(a, "AWS/X", "M", map[string]string{"A": "a", "B": "more"})
	}
	assert.Equal(t, "OK", describe(t, a, now.Add(5*time.Second)).StateValue, "not evaluated again yet")
	got := describe(t, a, now.Add(7*time.Second))
	assert.Equal(t, "ALARM", got.StateValue, got.StateReason)
	assert.Contains(t, got.StateReason, "Threshold Crossed: 1 out of the last 1 datapoints [6]")
	assert.Equal(t, "ALARM", describe(t, a, now.Add(12*time.Second)).StateValue, "kept until the next evaluation")
	got = describe(t, a, now.Add(40*time.Second))
	assert.Equal(t, "OK", got.StateValue, "the breach is older than the period: %s", got.StateReason)
}

// Stored datapoints older than the window are skipped before decoding,
// and newer ones are read back whole.
func TestDatapointsReadsTheWindow(t *testing.T) {
	a := account(t, 60)
	record(a, datapoint{Time: time.Now().Add(-time.Hour).UnixMilli(), Namespace: "AWS/X", Metric: "old", Value: 1})
	RecordValue(a, "AWS/X", "new", map[string]string{"A": "a"}, 2.5)
	got := datapoints(a, time.Now().Add(-time.Minute))
	require.Len(t, got, 1)
	assert.Equal(t, "new", got[0].Metric)
	assert.Equal(t, 2.5, got[0].Value)
	assert.Equal(t, map[string]string{"A": "a"}, got[0].Dims)
	tm, ok := lineTime([]byte(`{"t":1234,"ns":"x"}`))
	assert.True(t, ok)
	assert.Equal(t, int64(1234), tm)
}
