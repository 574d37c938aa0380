package sandbox

import (
	"encoding/xml"
	"net/http"
)

// queryAction reads the Action of an awsQuery request (form body or URL).
// https://smithy.io/2.0/aws/protocols/aws-query-protocol.html
func queryAction(r *http.Request) string {
	_ = r.ParseForm()
	return r.Form.Get("Action")
}

// invalidAction is awsQuery's answer to an operation it does not know.
// https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
func invalidAction(action string) *apiError {
	return badRequest("InvalidAction", "The action or operation requested is invalid: "+action+" is not implemented by the kirikae sandbox")
}

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

// serveSTS answers GetCallerIdentity for the sandbox's one IAM user.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
func (a *Account) serveSTS(w http.ResponseWriter, r *http.Request) {
	if action := queryAction(r); action != "GetCallerIdentity" {
		writeError(w, r, protoQuery, invalidAction(action))
		return
	}
	type result struct {
		Arn     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
	}
	writeXML(w, http.StatusOK, struct {
		XMLName  xml.Name         `xml:"GetCallerIdentityResponse"`
		Xmlns    string           `xml:"xmlns,attr"`
		Result   result           `xml:"GetCallerIdentityResult"`
		Metadata responseMetadata `xml:"ResponseMetadata"`
	}{
		Xmlns:    "https://sts.amazonaws.com/doc/2011-06-15/",
		Result:   result{Arn: "arn:aws:iam::" + a.ID() + ":user/kirikae-sandbox", UserID: "AIDAKIRIKAESANDBOX00", Account: a.ID()},
		Metadata: responseMetadata{RequestID: requestID},
	})
}
