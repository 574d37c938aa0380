package sandbox

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/aws/smithy-go/encoding/cbor"
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
func (a *Account) serveSetAlarmState(w http.ResponseWriter, r *http.Request, p protocol, body []byte) {
	var in setAlarmStateInput
	switch p {
	case protoCBOR:
		if v, err := cbor.Decode(body); err == nil {
			m, _ := v.(cbor.Map)
			str := func(k string) string { s, _ := m[k].(cbor.String); return string(s) }
			in = setAlarmStateInput{AlarmName: str("AlarmName"), StateValue: str("StateValue"), StateReason: str("StateReason")}
		}
	case protoJSON:
		if err := json.Unmarshal(body, &in); err != nil {
			writeError(w, r, p, badRequest("SerializationException", "cannot read the request body: "+err.Error()))
			return
		}
	default:
		in = setAlarmStateInput{AlarmName: r.Form.Get("AlarmName"), StateValue: r.Form.Get("StateValue"), StateReason: r.Form.Get("StateReason")}
	}
	if in.AlarmName == "" || in.StateReason == "" {
		writeError(w, r, p, badRequest("ValidationError", "AlarmName, StateValue and StateReason are required"))
		return
	}
	switch in.StateValue {
	case "OK", "ALARM", "INSUFFICIENT_DATA":
	default:
		writeError(w, r, p, badRequest("ValidationError", "1 validation error detected: Value '"+in.StateValue+
			"' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]"))
		return
	}
	if err := a.SetAlarmState(in.AlarmName, in.StateValue, in.StateReason); err != nil {
		if strings.Contains(err.Error(), "ResourceNotFound") {
			writeError(w, r, p, notFound("ResourceNotFound", "Alarm "+in.AlarmName+" does not exist"))
			return
		}
		writeError(w, r, p, asAPIError(err))
		return
	}
	switch p {
	case protoCBOR:
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		w.Header().Set("Content-Type", "application/cbor")
		_, _ = w.Write(cbor.Encode(cbor.Map{}))
	case protoJSON:
		writeJSON(w, "application/x-amz-json-1.0", struct{}{})
	default:
		writeXML(w, http.StatusOK, struct {
			XMLName  xml.Name         `xml:"SetAlarmStateResponse"`
			Xmlns    string           `xml:"xmlns,attr"`
			Metadata responseMetadata `xml:"ResponseMetadata"`
		}{Xmlns: "http://monitoring.amazonaws.com/doc/2010-08-01/", Metadata: responseMetadata{RequestID: requestID}})
	}
}
