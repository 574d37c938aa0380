package cloudwatch

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/kirikae/kirikae/sandbox/core"
)

var t0 = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

// points are datapoints of one metric, each age before t0 with its value.
func points(ages map[time.Duration][]float64) []datapoint {
	var out []datapoint
	for age, vs := range ages {
		for _, v := range vs {
			out = append(out, datapoint{Time: t0.Add(-age).UnixMilli(), Namespace: "AWS/X", Metric: "M",
				Dims: map[string]string{"A": "a", "B": "b"}, Value: v})
		}
	}
	return out
}

func rule(stat string, threshold float64) alarmRule {
	return alarmRule{Namespace: "AWS/X", Metric: "M", Dims: []alarmDimension{{Name: "A", Value: "a"}}, Statistic: stat,
		Period: time.Minute, EvaluationPeriods: 1, Threshold: threshold,
		ComparisonOperator: "GreaterThanOrEqualToThreshold", TreatMissingData: "notBreaching"}
}

// The alarm's statistic aggregates the period's values before the
// comparison: the same three values (1, 4, 10) breach a threshold of 5 by
// their Sum, Average and Maximum, not by their Minimum or SampleCount.
func TestEvaluateHonoursTheStatistic(t *testing.T) {
	data := points(map[time.Duration][]float64{10 * time.Second: {1, 4, 10}})
	for stat, want := range map[string]string{
		"Sum": "ALARM", "Average": "ALARM", "Maximum": "ALARM", "Minimum": "OK", "SampleCount": "OK",
	} {
		got := evaluate(rule(stat, 5), data, t0, core.AlarmState{})
		assert.Equal(t, want, got.Value, "%s: %s", stat, got.Reason)
	}
	lt := rule("Minimum", 2)
	lt.ComparisonOperator = "LessThanThreshold"
	assert.Equal(t, "ALARM", evaluate(lt, data, t0, core.AlarmState{}).Value, "Minimum 1 < 2")

	other := rule("Sum", 1)
	other.Dims = []alarmDimension{{Name: "A", Value: "elsewhere"}}
	assert.Equal(t, "OK", evaluate(other, data, t0, core.AlarmState{}).Value, "another dimension value's data is not this alarm's")
	unknown := rule("p99", 1)
	assert.Equal(t, "INSUFFICIENT_DATA", evaluate(unknown, data, t0, core.AlarmState{}).Value)
}

// Evaluation periods and datapoints to alarm: with 2 out of 3, one
// breaching minute is OK, two (not necessarily consecutive) are ALARM, and
// a breach older than the three periods no longer counts.
func TestEvaluateMOutOfN(t *testing.T) {
	r := rule("Sum", 3)
	r.EvaluationPeriods, r.DatapointsToAlarm = 3, 2
	one := points(map[time.Duration][]float64{30 * time.Second: {3}, 90 * time.Second: {1}})
	assert.Equal(t, "OK", evaluate(r, one, t0, core.AlarmState{}).Value)
	two := points(map[time.Duration][]float64{30 * time.Second: {3}, 150 * time.Second: {2, 2}})
	got := evaluate(r, two, t0, core.AlarmState{})
	assert.Equal(t, "ALARM", got.Value)
	assert.Contains(t, got.Reason, "2 out of the last 3 datapoints")
	old := points(map[time.Duration][]float64{30 * time.Second: {3}, 190 * time.Second: {5}})
	assert.Equal(t, "OK", evaluate(r, old, t0, core.AlarmState{}).Value, "the fourth minute is outside the evaluation range")

	r.DatapointsToAlarm = 0 // N out of N
	assert.Equal(t, "OK", evaluate(r, two, t0, core.AlarmState{}).Value)
}

// TreatMissingData decides an alarm without data: notBreaching is OK,
// breaching ALARM, missing INSUFFICIENT_DATA, ignore keeps the state.
func TestEvaluateTreatsMissingData(t *testing.T) {
	firing := core.AlarmState{Value: "ALARM", Reason: "earlier"}
	for treat, want := range map[string]string{
		"notBreaching": "OK", "breaching": "ALARM", "missing": "INSUFFICIENT_DATA", "": "INSUFFICIENT_DATA", "ignore": "ALARM",
	} {
		r := rule("Sum", 1)
		r.TreatMissingData = treat
		assert.Equal(t, want, evaluate(r, nil, t0, firing).Value, "treatMissingData %q", treat)
	}
	// Two periods, one breaching and one without data: a missing period
	// counted as breaching makes 2 out of 2.
	r := rule("Sum", 1)
	r.EvaluationPeriods = 2
	half := points(map[time.Duration][]float64{10 * time.Second: {1}})
	r.TreatMissingData = "breaching"
	assert.Equal(t, "ALARM", evaluate(r, half, t0, core.AlarmState{}).Value)
	r.TreatMissingData = "notBreaching"
	assert.Equal(t, "OK", evaluate(r, half, t0, core.AlarmState{}).Value)
}

// CloudFront's metrics live in us-east-1 only: an alarm on them in
// another region sees no data.
func TestCloudFrontMetricsAreInUSEast1Only(t *testing.T) {
	assert.True(t, regionHas("arn:aws:cloudwatch:us-east-1:123456789012:alarm:cf", "AWS/CloudFront"))
	assert.False(t, regionHas("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:cf", "AWS/CloudFront"))
	assert.True(t, regionHas("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:alb", "AWS/ApplicationELB"))
}
