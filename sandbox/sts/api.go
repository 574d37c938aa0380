package sts

import (
	"encoding/xml"
	"net/http"

	"github.com/kirikae/kirikae/sandbox/core"
)

// ServeSTS answers GetCallerIdentity for the sandbox's one IAM user.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
func ServeSTS(a *core.Account, w http.ResponseWriter, r *http.Request) {
	if action := core.QueryAction(r); action != "GetCallerIdentity" {
		core.WriteError(w, r, core.ProtoQuery, core.InvalidAction(action))
		return
	}
	type result struct {
		Arn     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
	}
	core.WriteXML(w, http.StatusOK, struct {
		XMLName  xml.Name              `xml:"GetCallerIdentityResponse"`
		Xmlns    string                `xml:"xmlns,attr"`
		Result   result                `xml:"GetCallerIdentityResult"`
		Metadata core.ResponseMetadata `xml:"ResponseMetadata"`
	}{
		Xmlns:    "https://sts.amazonaws.com/doc/2011-06-15/",
		Result:   result{Arn: "arn:aws:iam::" + a.ID() + ":user/kirikae-sandbox", UserID: "AIDAKIRIKAESANDBOX00", Account: a.ID()},
		Metadata: core.ResponseMetadata{RequestID: core.RequestID},
	})
}
