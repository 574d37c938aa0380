package cloudwatch

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
)

// alarmRule is what evaluating a metric alarm needs of its configuration.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
type alarmRule struct {
	Namespace, Metric  string
	Dims               []alarmDimension
	Statistic          string
	Period             time.Duration // on the sandbox's clock
	EvaluationPeriods  int
	DatapointsToAlarm  int // 0: EvaluationPeriods
	Threshold          float64
	ComparisonOperator string
	TreatMissingData   string // missing (the default), notBreaching, breaching, ignore
}

// evaluate is one evaluation of an alarm at now, from the datapoints
// published, as CloudWatch evaluates a metric alarm: the statistic of each
// of the last EvaluationPeriods periods (a sliding window ending now) is
// compared with the threshold, and DatapointsToAlarm of them breaching
// (M out of N) is ALARM, fewer is OK.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarm-evaluation
//
// A period without datapoints is missing and counts as TreatMissingData
// says: notBreaching as good, breaching as bad; with missing (the default)
// or ignore it does not count, and when every period is missing the alarm
// goes to INSUFFICIENT_DATA (missing) or keeps its current state (ignore).
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html
func evaluate(r alarmRule, points []datapoint, now time.Time, current core.AlarmState) core.AlarmState {
	n := max(r.EvaluationPeriods, 1)
	m := r.DatapointsToAlarm
	if m <= 0 || m > n {
		m = n
	}
	if !knownStatistic(r.Statistic) || r.Period <= 0 {
		return core.AlarmState{Value: "INSUFFICIENT_DATA", Reason: "Unchecked: the sandbox evaluates the statistics Sum, Average, Minimum, Maximum and SampleCount"}
	}
	values := make([][]float64, n)
	for _, d := range points {
		if d.Namespace != r.Namespace || d.Metric != r.Metric || !dimsMatch(r.Dims, d.Dims) {
			continue
		}
		age := now.Sub(time.UnixMilli(d.Time))
		if age < 0 {
			age = 0
		}
		if i := int(age / r.Period); i < n {
			values[i] = append(values[i], d.Value)
		}
	}
	breaching, present := 0, 0
	var shown []string
	for _, v := range values {
		if len(v) == 0 {
			switch r.TreatMissingData {
			case "breaching":
				breaching++
			case "notBreaching":
			default:
				continue
			}
			present++
			continue
		}
		present++
		s := statistic(r.Statistic, v)
		shown = append(shown, fmt.Sprintf("%g", s))
		if compare(r.ComparisonOperator, s, r.Threshold) {
			breaching++
		}
	}
	seen := "[" + strings.Join(shown, ", ") + "]"
	if len(shown) < n {
		seen += fmt.Sprintf(" (%d missing, treated as %s)", n-len(shown), cmp.Or(r.TreatMissingData, "missing"))
	}
	switch {
	case present == 0 && r.TreatMissingData == "ignore":
		if current.Value == "" {
			return core.AlarmState{Value: "INSUFFICIENT_DATA", Reason: "Unchecked: Initial alarm creation"}
		}
		return core.AlarmState{Value: current.Value, Reason: current.Reason}
	case present == 0:
		return core.AlarmState{Value: "INSUFFICIENT_DATA", Reason: fmt.Sprintf(
			"Insufficient Data: %d datapoints were unknown.", n)}
	case breaching >= m:
		return core.AlarmState{Value: "ALARM", Reason: fmt.Sprintf(
			"Threshold Crossed: %d out of the last %d datapoints %s were %s the threshold (%g) (minimum %d datapoints for OK -> ALARM transition).",
			breaching, n, seen, operatorWords(r.ComparisonOperator), r.Threshold, m)}
	}
	return core.AlarmState{Value: "OK", Reason: fmt.Sprintf(
		"Threshold Crossed: %d out of the last %d datapoints %s were not %s the threshold (%g) (minimum %d datapoints for ALARM -> OK transition).",
		n-breaching, n, seen, operatorWords(r.ComparisonOperator), r.Threshold, n-m+1)}
}

// statistic aggregates a period's values as CloudWatch's statistics do.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Statistic
func statistic(name string, v []float64) float64 {
	sum := 0.0
	for _, x := range v {
		sum += x
	}
	switch name {
	case "Sum":
		return sum
	case "Average":
		return sum / float64(len(v))
	case "Minimum":
		return slices.Min(v)
	case "Maximum":
		return slices.Max(v)
	}
	return float64(len(v)) // SampleCount
}

func knownStatistic(name string) bool {
	return slices.Contains([]string{"Sum", "Average", "Minimum", "Maximum", "SampleCount"}, name)
}

// nextEvaluation is when an alarm set at t is evaluated again: alarms with
// a period of a minute or more are evaluated every minute, those of 10 or
// 30 seconds every 10 seconds (AlarmThatSendsEmail.html#alarm-evaluation),
// on the sandbox's scaled clock, at least a second. A state set with
// SetAlarmState lasts until then: "Metric alarms returns to their actual
// state quickly, often within seconds".
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_SetAlarmState.html
func nextEvaluation(period time.Duration, t time.Time) time.Time {
	every := time.Minute
	if period > 0 && period < time.Minute {
		every = 10 * time.Second
	}
	return t.Add(core.ScaledAtLeast(every, time.Second))
}

// dimsMatch: an alarm sees the datapoints published with exactly its
// dimensions. The sandbox records each datapoint once, with its fullest
// dimensions, so an alarm whose dimensions are a subset sees it too (AWS
// publishes HTTPCode_Target_5XX_Count both by LoadBalancer and by
// LoadBalancer and TargetGroup).
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html#load-balancer-metric-dimensions-alb
func dimsMatch(want []alarmDimension, have map[string]string) bool {
	for _, d := range want {
		if have[d.Name] != d.Value {
			return false
		}
	}
	return true
}

func compare(op string, v, threshold float64) bool {
	switch op {
	case "GreaterThanOrEqualToThreshold":
		return v >= threshold
	case "GreaterThanThreshold":
		return v > threshold
	case "LessThanThreshold":
		return v < threshold
	case "LessThanOrEqualToThreshold":
		return v <= threshold
	}
	return false
}

func operatorWords(op string) string {
	switch op {
	case "GreaterThanOrEqualToThreshold":
		return "greater than or equal to"
	case "GreaterThanThreshold":
		return "greater than"
	case "LessThanThreshold":
		return "less than"
	case "LessThanOrEqualToThreshold":
		return "less than or equal to"
	}
	return op
}
