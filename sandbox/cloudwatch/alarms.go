package cloudwatch

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
)

// The sandbox's CloudWatch metrics are what its front door actually
// served: every 5xx a target answered or the load balancer generated, and
// every Lambda function error, is stored as one datapoint with the
// dimensions AWS publishes it under. Alarms on those metrics are evaluated
// from them when DescribeAlarms is called, so a workload that starts
// failing trips its alarm whatever kirikae expected.

// metricsFile holds the datapoints as JSON lines, so any kirikae process
// serving the account evaluates the same data.
const metricsFile = "metrics.jsonl"

// datapoint is one count of 1 of a metric.
type datapoint struct {
	Time      int64             `json:"t"` // unix milliseconds
	Namespace string            `json:"ns"`
	Metric    string            `json:"m"`
	Dims      map[string]string `json:"d"`
}

var metricsMu sync.Mutex

// Record stores one datapoint of value 1 now.
func Record(a *core.Account, namespace, metric string, dims map[string]string) {
	data, err := json.Marshal(datapoint{Time: time.Now().UnixMilli(), Namespace: namespace, Metric: metric, Dims: dims})
	if err != nil {
		return
	}
	metricsMu.Lock()
	defer metricsMu.Unlock()
	f, err := os.OpenFile(filepath.Join(a.Dir(), metricsFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return // a lost datapoint only delays an alarm; serving goes on
	}
	defer f.Close()
	_, _ = f.Write(append(data, '\n'))
}

// datapoints reads every datapoint newer than since.
func datapoints(a *core.Account, since time.Time) []datapoint {
	f, err := os.Open(filepath.Join(a.Dir(), metricsFile))
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []datapoint
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var d datapoint
		if json.Unmarshal(sc.Bytes(), &d) == nil && d.Time >= since.UnixMilli() {
			out = append(out, d)
		}
	}
	return out
}

// alarmEvaluator returns the function describeAlarms uses to evaluate an
// alarm from the served datapoints: the alarm's period (on the sandbox's
// scaled clock, at least a second), evaluation periods, datapoints to
// alarm, threshold and comparison. Only a breach changes what
// DescribeAlarms reports; without one the alarm keeps its state.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarm-evaluation
func alarmEvaluator(a *core.Account) func(al metricAlarm, o map[string]any) (string, string, bool) {
	var points []datapoint
	var loaded bool
	now := time.Now()
	return func(al metricAlarm, o map[string]any) (string, string, bool) {
		if al.Period <= 0 || al.MetricName == "" {
			return "", "", false
		}
		period := core.ScaledAtLeast(time.Duration(al.Period)*time.Second, time.Second)
		n := max(al.EvaluationPeriods, 1)
		if !loaded {
			// One read serves every alarm of the call; a minute of
			// sandbox-clock periods covers any alarm kirikae creates.
			points, loaded = datapoints(a, now.Add(-core.ScaledAtLeast(24*time.Hour, time.Minute))), true
		}
		sums := make([]float64, n)
		seen := make([]bool, n)
		for _, d := range points {
			if d.Namespace != al.Namespace || d.Metric != al.MetricName || !dimsMatch(al.Dimensions, d.Dims) {
				continue
			}
			age := now.Sub(time.UnixMilli(d.Time))
			i := int(age / period)
			if i < 0 || i >= n {
				continue
			}
			sums[i]++
			seen[i] = true
		}
		toAlarm := n
		if m, ok := o["datapointsToAlarm"].(float64); ok && m > 0 {
			toAlarm = int(m)
		}
		breaching := 0
		for i := range sums {
			// Count metrics are not published for periods without a
			// count; with notBreaching (or missing) they do not breach.
			if seen[i] && compare(al.ComparisonOperator, sums[i], al.Threshold) {
				breaching++
			}
		}
		if breaching < toAlarm {
			return "", "", false
		}
		return "ALARM", fmt.Sprintf("Threshold Crossed: %d out of the last %d datapoints were breaching the threshold (%v); latest datapoint %v (sandbox front door).",
			breaching, n, al.Threshold, sums[0]), true
	}
}

// dimsMatch: AWS publishes a datapoint under each of its dimension
// combinations, so an alarm whose dimensions are a subset of the
// datapoint's sees it (HTTPCode_Target_5XX_Count by LoadBalancer alone
// counts every target group's 5xx).
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
