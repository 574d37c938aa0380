package core

import (
	"net/http"
)

// QueryAction reads the Action of an awsQuery request (form body or URL).
// https://smithy.io/2.0/aws/protocols/aws-query-protocol.html
func QueryAction(r *http.Request) string {
	_ = r.ParseForm()
	return r.Form.Get("Action")
}

// InvalidAction is awsQuery's answer to an operation it does not know.
// https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
func InvalidAction(action string) *APIError {
	return BadRequest("InvalidAction", "The action or operation requested is invalid: "+action+" is not implemented by the kirikae sandbox")
}

type ResponseMetadata struct {
	RequestID string `xml:"RequestId"`
}
