package cloudwatch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
)

// The sandbox's CloudWatch metrics are what actually happened: the front
// door records what it served (a target's 5xx, a CloudFront answer, a
// Lambda invocation's outcome) as datapoints with the dimensions AWS
// publishes them under, and the load balancer's host counts are sampled
// from the real health checks (Gauges). Alarms are evaluated from them
// (evaluate.go), so a workload that starts failing trips its alarm
// whatever kirikae expected.

// metricsFile holds the datapoints as JSON lines, so any kirikae process
// serving the account evaluates the same data.
const metricsFile = "metrics.jsonl"

// datapoint is one published value of a metric.
type datapoint struct {
	Time      int64             `json:"t"` // unix milliseconds
	Namespace string            `json:"ns"`
	Metric    string            `json:"m"`
	Dims      map[string]string `json:"d"`
	Value     float64           `json:"v"`
}

// Sample is one value a service publishes on its own schedule rather than
// per request (ELB's HealthyHostCount and UnHealthyHostCount).
type Sample struct {
	Namespace, Metric string
	Dims              map[string]string
	Value             float64
}

// Gauges reports the account's sampled metrics now; the sandbox's top
// layer sets it (CloudWatch itself sees no targets).
var Gauges func(a *core.Account, st *core.State) []Sample

var metricsMu sync.Mutex

// Record stores one datapoint of value 1 now: one count of a count metric
// (HTTPCode_Target_5XX_Count and the like, whose Minimum, Maximum and
// Average are 1 as the ELB metrics page says).
func Record(a *core.Account, namespace, metric string, dims map[string]string) {
	RecordValue(a, namespace, metric, dims, 1)
}

// RecordValue stores one datapoint of value v now.
func RecordValue(a *core.Account, namespace, metric string, dims map[string]string, v float64) {
	record(a, datapoint{Time: time.Now().UnixMilli(), Namespace: namespace, Metric: metric, Dims: dims, Value: v})
}

// RecordInvocation stores a Lambda invocation's metrics. Invocation
// metrics are binary: Errors is sent with 1 for a function error and 0
// otherwise, and Invocations with 1 (a throttled request is a Throttles
// of 1 and no invocation).
// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
func RecordInvocation(a *core.Account, dims map[string]string, failed bool) {
	errors := 0.0
	if failed {
		errors = 1
	}
	now := time.Now().UnixMilli()
	record(a,
		datapoint{Time: now, Namespace: "AWS/Lambda", Metric: "Invocations", Dims: dims, Value: 1},
		datapoint{Time: now, Namespace: "AWS/Lambda", Metric: "Errors", Dims: dims, Value: errors})
}

// RecordCloudFront stores one viewer request a distribution answered with
// status: Requests counts it and 5xxErrorRate, the percentage of viewer
// requests answered with a 5xx (statistic Average), gets 100 or 0, so the
// Average over a period is the rate. Every CloudFront metric has the
// dimensions DistributionId and Region=Global.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
func RecordCloudFront(a *core.Account, distributionID string, status int) {
	dims := map[string]string{"DistributionId": distributionID, "Region": "Global"}
	rate := 0.0
	if status >= 500 {
		rate = 100
	}
	now := time.Now().UnixMilli()
	record(a,
		datapoint{Time: now, Namespace: "AWS/CloudFront", Metric: "Requests", Dims: dims, Value: 1},
		datapoint{Time: now, Namespace: "AWS/CloudFront", Metric: "5xxErrorRate", Dims: dims, Value: rate})
}

func record(a *core.Account, points ...datapoint) {
	var buf []byte
	for _, d := range points {
		data, err := json.Marshal(d)
		if err != nil {
			return
		}
		buf = append(append(buf, data...), '\n')
	}
	metricsMu.Lock()
	defer metricsMu.Unlock()
	f, err := os.OpenFile(filepath.Join(a.Dir(), metricsFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return // a lost datapoint only delays an alarm; serving goes on
	}
	defer f.Close()
	_, _ = f.Write(buf)
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
		line := sc.Bytes()
		if t, ok := lineTime(line); ok && t < since.UnixMilli() {
			continue // older than any alarm looks: not worth decoding
		}
		var d datapoint
		if json.Unmarshal(line, &d) == nil && d.Time >= since.UnixMilli() {
			out = append(out, d)
		}
	}
	return out
}

// lineTime reads a stored datapoint's time from the start of its line
// ({"t":…, as datapoint marshals its first field).
func lineTime(line []byte) (int64, bool) {
	rest, ok := bytes.CutPrefix(line, []byte(`{"t":`))
	if !ok {
		return 0, false
	}
	end := bytes.IndexByte(rest, ',')
	if end < 0 {
		return 0, false
	}
	t, err := strconv.ParseInt(string(rest[:end]), 10, 64)
	return t, err == nil
}

// sampled remembers when each account's gauges were last sampled.
var sampled sync.Map // account dir → time.Time

// sampleGauges records the gauges now, at most once per publishing
// interval: ELB "measures and sends its metrics in 60-second intervals"
// (on the sandbox's scaled clock, at least a second apart). It runs when
// the alarms are evaluated, so a target unhealthy only between two
// evaluations goes unseen, where ELB's Maximum over the minute would show it.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
func sampleGauges(a *core.Account) {
	if Gauges == nil {
		return
	}
	now := time.Now()
	if last, ok := sampled.Load(a.Dir()); ok && now.Sub(last.(time.Time)) < core.ScaledAtLeast(time.Minute, time.Second) {
		return
	}
	var samples []Sample
	if err := a.View(func(st *core.State) error { samples = Gauges(a, st); return nil }); err != nil {
		return
	}
	sampled.Store(a.Dir(), now)
	points := make([]datapoint, 0, len(samples))
	for _, s := range samples {
		points = append(points, datapoint{Time: now.UnixMilli(), Namespace: s.Namespace, Metric: s.Metric, Dims: s.Dims, Value: s.Value})
	}
	if len(points) > 0 {
		record(a, points...)
	}
}
