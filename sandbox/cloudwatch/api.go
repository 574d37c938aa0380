package cloudwatch

import (
	"encoding/json"
	"encoding/xml"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/kirikae/kirikae/sandbox/core"
)

const (
	cloudWatchTarget   = "GraniteServiceVersion20100801"
	cloudWatchCBORPath = "/service/" + cloudWatchTarget + "/operation/"
)

type alarmDimension struct {
	Name  string `json:"Name" xml:"Name"`
	Value string `json:"Value" xml:"Value"`
}

// metricAlarm is one alarm of DescribeAlarms.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricAlarm.html
type metricAlarm struct {
	AlarmName          string           `json:"AlarmName" xml:"AlarmName"`
	AlarmArn           string           `json:"AlarmArn" xml:"AlarmArn"`
	AlarmDescription   string           `json:"AlarmDescription,omitempty" xml:"AlarmDescription,omitempty"`
	ActionsEnabled     bool             `json:"ActionsEnabled" xml:"ActionsEnabled"`
	AlarmActions       []string         `json:"AlarmActions" xml:"AlarmActions>member"`
	OKActions          []string         `json:"OKActions" xml:"OKActions>member"`
	StateValue         string           `json:"StateValue" xml:"StateValue"`
	StateReason        string           `json:"StateReason" xml:"StateReason"`
	MetricName         string           `json:"MetricName,omitempty" xml:"MetricName,omitempty"`
	Namespace          string           `json:"Namespace,omitempty" xml:"Namespace,omitempty"`
	Statistic          string           `json:"Statistic,omitempty" xml:"Statistic,omitempty"`
	Dimensions         []alarmDimension `json:"Dimensions" xml:"Dimensions>member"`
	Period             int              `json:"Period,omitempty" xml:"Period,omitempty"`
	EvaluationPeriods  int              `json:"EvaluationPeriods" xml:"EvaluationPeriods"`
	Threshold          float64          `json:"Threshold" xml:"Threshold"`
	ComparisonOperator string           `json:"ComparisonOperator" xml:"ComparisonOperator"`
	TreatMissingData   string           `json:"TreatMissingData,omitempty" xml:"TreatMissingData,omitempty"`
}

type alarmFilter struct {
	AlarmNames      []string
	AlarmNamePrefix string
	StateValue      string
}

// ServeCloudWatch answers DescribeAlarms in each protocol CloudWatch speaks:
// awsQuery (older SDKs), awsJson1_0 and smithy rpcv2Cbor (current AWS CLI
// and aws-sdk-go-v2).
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html
// Alarms are regional: DescribeAlarms lists those of the region the
// request was signed for ("" lists every region's).
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#CloudWatchRegions
func ServeCloudWatch(a *core.Account, w http.ResponseWriter, r *http.Request, body []byte, region string) {
	p := core.ProtocolOf("monitoring", r)
	var op string
	var f alarmFilter
	switch p {
	case core.ProtoCBOR:
		op = strings.TrimPrefix(r.URL.Path, cloudWatchCBORPath)
		if v, err := cbor.Decode(body); err == nil && len(body) > 0 {
			f = cborFilter(v)
		}
	case core.ProtoJSON:
		op = strings.TrimPrefix(r.Header.Get("X-Amz-Target"), cloudWatchTarget+".")
		_ = json.Unmarshal(body, &f)
	default:
		op = core.QueryAction(r)
		f.AlarmNamePrefix, f.StateValue = r.Form.Get("AlarmNamePrefix"), r.Form.Get("StateValue")
		for i := 1; r.Form.Has("AlarmNames.member." + strconv.Itoa(i)); i++ {
			f.AlarmNames = append(f.AlarmNames, r.Form.Get("AlarmNames.member."+strconv.Itoa(i)))
		}
	}
	if op == "SetAlarmState" {
		serveSetAlarmState(a, w, r, p, body)
		return
	}
	if op != "DescribeAlarms" {
		e := core.UnknownOperation(op)
		if p == core.ProtoQuery {
			e = core.InvalidAction(op)
		}
		core.WriteError(w, r, p, e)
		return
	}
	// Alarms are evaluated when looked at: DescribeAlarms runs the
	// evaluations that came due since the last one (evaluator) and keeps
	// the states, which the next evaluations, TreatMissingData ignore and
	// SetAlarmState build on.
	sampleGauges(a)
	var alarms []metricAlarm
	if err := a.Update(func(st *core.State) error { alarms = describeAlarms(st, f, evaluator(a, time.Now())); return nil }); err != nil {
		core.WriteError(w, r, p, core.AsAPIError(err))
		return
	}
	if region != "" {
		alarms = slices.DeleteFunc(alarms, func(m metricAlarm) bool { return !strings.HasPrefix(m.AlarmArn, "arn:aws:cloudwatch:"+region+":") })
	}
	out := map[string]any{"MetricAlarms": alarms, "CompositeAlarms": []any{}}
	switch p {
	case core.ProtoCBOR:
		raw, _ := json.Marshal(out)
		var generic any
		_ = json.Unmarshal(raw, &generic)
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		w.Header().Set("Content-Type", "application/cbor")
		_, _ = w.Write(cbor.Encode(toCBOR(generic)))
	case core.ProtoJSON:
		core.WriteJSON(w, "application/x-amz-json-1.0", out)
	default:
		core.WriteXML(w, http.StatusOK, struct {
			XMLName xml.Name `xml:"DescribeAlarmsResponse"`
			Xmlns   string   `xml:"xmlns,attr"`
			Result  struct {
				MetricAlarms []metricAlarm `xml:"MetricAlarms>member"`
			} `xml:"DescribeAlarmsResult"`
			Metadata core.ResponseMetadata `xml:"ResponseMetadata"`
		}{Xmlns: "http://monitoring.amazonaws.com/doc/2010-08-01/",
			Result: struct {
				MetricAlarms []metricAlarm `xml:"MetricAlarms>member"`
			}{alarms},
			Metadata: core.ResponseMetadata{RequestID: core.RequestID}})
	}
}

// describeAlarms lists the account's metric alarms, each in the state its
// evaluation (eval) gives, or the one SetAlarmState gave until the next
// evaluation, and records those states.
func describeAlarms(st *core.State, f alarmFilter, eval func(metricAlarm, map[string]any, core.AlarmState) core.AlarmState) []metricAlarm {
	out := []metricAlarm{}
	if st.AlarmStates == nil {
		st.AlarmStates = map[string]core.AlarmState{}
	}
	for _, o := range core.NewIndex(st)[core.TokAlarm] {
		name := core.StrOf(o, "name")
		if len(f.AlarmNames) > 0 && !core.Contains(f.AlarmNames, name) || !strings.HasPrefix(name, f.AlarmNamePrefix) {
			continue
		}
		al := metricAlarm{AlarmName: name, AlarmArn: core.StrOf(o, "arn"), AlarmDescription: core.StrOf(o, "alarmDescription"),
			AlarmActions: stringList(o["alarmActions"]), OKActions: stringList(o["okActions"]),
			MetricName: core.StrOf(o, "metricName"), Namespace: core.StrOf(o, "namespace"), Statistic: core.StrOf(o, "statistic"),
			Period: core.Number(o["period"]), EvaluationPeriods: core.Number(o["evaluationPeriods"]),
			ComparisonOperator: core.StrOf(o, "comparisonOperator"), TreatMissingData: core.StrOf(o, "treatMissingData"),
			Dimensions: []alarmDimension{}}
		al.ActionsEnabled, _ = o["actionsEnabled"].(bool)
		al.Threshold, _ = o["threshold"].(float64)
		dims, _ := o["dimensions"].(map[string]any)
		for k, v := range dims {
			s, _ := v.(string)
			al.Dimensions = append(al.Dimensions, alarmDimension{Name: k, Value: s})
		}
		sort.Slice(al.Dimensions, func(i, j int) bool { return al.Dimensions[i].Name < al.Dimensions[j].Name })
		state := st.AlarmStates[name]
		if eval != nil {
			state = eval(al, o, state)
		}
		if state.Value == "" {
			state = core.AlarmState{Value: "INSUFFICIENT_DATA", Reason: "Unchecked: Initial alarm creation"}
		}
		st.AlarmStates[name] = state
		al.StateValue, al.StateReason = state.Value, state.Reason
		if f.StateValue != "" && f.StateValue != al.StateValue {
			continue
		}
		out = append(out, al)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].AlarmName < out[j].AlarmName })
	return out
}

// evaluator returns the function describeAlarms evaluates each alarm with
// at now. An alarm is evaluated on its schedule (nextEvaluation), not when
// someone looks: until its next evaluation it keeps the state the last one,
// or SetAlarmState, gave it; then the metric data decides (evaluate.go).
// One read of the datapoints serves every alarm of the call.
func evaluator(a *core.Account, now time.Time) func(metricAlarm, map[string]any, core.AlarmState) core.AlarmState {
	var points []datapoint
	loaded := false
	return func(al metricAlarm, o map[string]any, current core.AlarmState) core.AlarmState {
		period := core.ScaledAtLeast(time.Duration(al.Period)*time.Second, time.Second)
		last := core.ParseStamp(current.EvaluatedAt)
		if set := core.ParseStamp(current.SetAt); set.After(last) {
			last = set
		}
		if !last.IsZero() && now.Before(nextEvaluation(time.Duration(al.Period)*time.Second, last)) {
			return current
		}
		if al.Period <= 0 || al.MetricName == "" {
			// A metric-math alarm: the sandbox has no evaluation for it.
			return core.AlarmState{Value: current.Value, Reason: current.Reason}
		}
		if !loaded {
			// A day of sandbox-clock periods (at least a minute) covers
			// any alarm kirikae creates.
			points, loaded = datapoints(a, now.Add(-core.ScaledAtLeast(24*time.Hour, time.Minute))), true
		}
		seen := points
		if !regionHas(al.AlarmArn, al.Namespace) {
			seen = nil
		}
		next := evaluate(alarmRule{Namespace: al.Namespace, Metric: al.MetricName, Dims: al.Dimensions, Statistic: al.Statistic,
			Period: period, EvaluationPeriods: al.EvaluationPeriods, DatapointsToAlarm: core.Number(o["datapointsToAlarm"]),
			Threshold: al.Threshold, ComparisonOperator: al.ComparisonOperator, TreatMissingData: al.TreatMissingData}, seen, now, current)
		next.EvaluatedAt = core.Stamp(now)
		return next
	}
}

func stringList(v any) []string {
	out := []string{}
	for _, x := range core.ListOf(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func cborFilter(v cbor.Value) alarmFilter {
	var f alarmFilter
	m, _ := v.(cbor.Map)
	if s, ok := m["AlarmNamePrefix"].(cbor.String); ok {
		f.AlarmNamePrefix = string(s)
	}
	if s, ok := m["StateValue"].(cbor.String); ok {
		f.StateValue = string(s)
	}
	if l, ok := m["AlarmNames"].(cbor.List); ok {
		for _, x := range l {
			if s, ok := x.(cbor.String); ok {
				f.AlarmNames = append(f.AlarmNames, string(s))
			}
		}
	}
	return f
}

// toCBOR converts decoded JSON to CBOR values; whole numbers become CBOR
// integers, which rpcv2Cbor clients read for both integer and double shapes.
func toCBOR(v any) cbor.Value {
	switch v := v.(type) {
	case map[string]any:
		m := cbor.Map{}
		for k, x := range v {
			m[k] = toCBOR(x)
		}
		return m
	case []any:
		l := cbor.List{}
		for _, x := range v {
			l = append(l, toCBOR(x))
		}
		return l
	case string:
		return cbor.String(v)
	case bool:
		return cbor.Bool(v)
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			if v < 0 {
				return cbor.NegInt(uint64(-v))
			}
			return cbor.Uint(uint64(v))
		}
		return cbor.Float64(v)
	}
	return &cbor.Nil{}
}

// regionHas reports whether the region of an alarm (its ARN) holds the
// namespace's metrics: CloudFront, a global service, publishes its
// metrics in us-east-1 only, so an alarm elsewhere never sees them.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
func regionHas(alarmArn, namespace string) bool {
	if namespace != "AWS/CloudFront" {
		return true
	}
	parts := strings.Split(alarmArn, ":")
	return len(parts) < 4 || parts[3] == "us-east-1"
}
