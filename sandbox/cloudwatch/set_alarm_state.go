package cloudwatch

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/kirikae/kirikae/sandbox/core"
)

// setAlarmStateInput is SetAlarmState's request.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_SetAlarmState.html
type setAlarmStateInput struct {
	AlarmName   string
	StateValue  string
	StateReason string
}

// serveSetAlarmState answers SetAlarmState in the protocol the request came
// in (awsQuery, awsJson1_0 or rpcv2Cbor). Its output is empty on AWS.
// An unknown alarm is ResourceNotFound (404), a state other than OK, ALARM
// or INSUFFICIENT_DATA fails validation, as the API reference lists.
func serveSetAlarmState(a *core.Account, w http.ResponseWriter, r *http.Request, p core.Protocol, body []byte) {
	var in setAlarmStateInput
	switch p {
	case core.ProtoCBOR:
		if v, err := cbor.Decode(body); err == nil {
			m, _ := v.(cbor.Map)
			str := func(k string) string { s, _ := m[k].(cbor.String); return string(s) }
			in = setAlarmStateInput{AlarmName: str("AlarmName"), StateValue: str("StateValue"), StateReason: str("StateReason")}
		}
	case core.ProtoJSON:
		if err := json.Unmarshal(body, &in); err != nil {
			core.WriteError(w, r, p, core.BadRequest("SerializationException", "cannot read the request body: "+err.Error()))
			return
		}
	default:
		in = setAlarmStateInput{AlarmName: r.Form.Get("AlarmName"), StateValue: r.Form.Get("StateValue"), StateReason: r.Form.Get("StateReason")}
	}
	if in.AlarmName == "" || in.StateReason == "" {
		core.WriteError(w, r, p, core.BadRequest("ValidationError", "AlarmName, StateValue and StateReason are required"))
		return
	}
	switch in.StateValue {
	case "OK", "ALARM", "INSUFFICIENT_DATA":
	default:
		core.WriteError(w, r, p, core.BadRequest("ValidationError", "1 validation error detected: Value '"+in.StateValue+
			"' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]"))
		return
	}
	if err := SetAlarmState(a, in.AlarmName, in.StateValue, in.StateReason); err != nil {
		if strings.Contains(err.Error(), "ResourceNotFound") {
			core.WriteError(w, r, p, core.NotFound("ResourceNotFound", "Alarm "+in.AlarmName+" does not exist"))
			return
		}
		core.WriteError(w, r, p, core.AsAPIError(err))
		return
	}
	switch p {
	case core.ProtoCBOR:
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		w.Header().Set("Content-Type", "application/cbor")
		_, _ = w.Write(cbor.Encode(cbor.Map{}))
	case core.ProtoJSON:
		core.WriteJSON(w, "application/x-amz-json-1.0", struct{}{})
	default:
		core.WriteXML(w, http.StatusOK, struct {
			XMLName  xml.Name              `xml:"SetAlarmStateResponse"`
			Xmlns    string                `xml:"xmlns,attr"`
			Metadata core.ResponseMetadata `xml:"ResponseMetadata"`
		}{Xmlns: "http://monitoring.amazonaws.com/doc/2010-08-01/", Metadata: core.ResponseMetadata{RequestID: core.RequestID}})
	}
}

// SetAlarmState sets an alarm's state until its next evaluation, as
// CloudWatch's SetAlarmState does "for testing purposes": the alarm then
// returns to the state its metric data gives, "often within seconds"
// (evaluator, nextEvaluation).
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_SetAlarmState.html
// An unknown alarm is ResourceNotFound, as on AWS.
func SetAlarmState(a *core.Account, name, value, reason string) error {
	switch value {
	case "OK", "ALARM", "INSUFFICIENT_DATA":
	default:
		return fmt.Errorf("set alarm state: invalid state %q (OK, ALARM or INSUFFICIENT_DATA)", value)
	}
	return a.Update(func(st *core.State) error {
		found := false
		for _, o := range core.NewIndex(st)[core.TokAlarm] {
			if core.StrOf(o, "name") == name {
				found = true
			}
		}
		if !found {
			return fmt.Errorf("set alarm state: ResourceNotFound: alarm %s does not exist", name)
		}
		if st.AlarmStates == nil {
			st.AlarmStates = map[string]core.AlarmState{}
		}
		st.AlarmStates[name] = core.AlarmState{Value: value, Reason: reason, SetAt: core.Stamp(time.Now())}
		return nil
	})
}
