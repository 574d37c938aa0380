package core

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// QueryOp answers one awsQuery or ec2Query operation from a read-only view
// of the account: its value is the operation's result element's children.
type QueryOp func(st *State, form url.Values) (any, error)

// ServeQuery dispatches an awsQuery request (ELBv2, IAM, SNS) by its Action
// and answers <ActionResponse xmlns><ActionResult>…</ActionResult>
// <ResponseMetadata>, or the protocol's error shape.
// https://smithy.io/2.0/aws/protocols/aws-query-protocol.html
// The actions named in writes change the account: they run under its
// exclusive lock and their state is saved.
func (a *Account) ServeQuery(w http.ResponseWriter, r *http.Request, xmlns string, ops map[string]QueryOp, writes ...string) {
	a.serveQuery(w, r, ProtoQuery, xmlns, ops, writes...)
}

// ServeEC2Query is ServeQuery for EC2's own variant: the result's children
// sit directly under <ActionResponse> beside <requestId>, and errors are
// <Response><Errors><Error>.
// https://smithy.io/2.0/aws/protocols/aws-ec2-query-protocol.html
func (a *Account) ServeEC2Query(w http.ResponseWriter, r *http.Request, xmlns string, ops map[string]QueryOp) {
	a.serveQuery(w, r, ProtoEC2, xmlns, ops)
}

func (a *Account) serveQuery(w http.ResponseWriter, r *http.Request, p Protocol, xmlns string, ops map[string]QueryOp, writes ...string) {
	action := QueryAction(r)
	op := ops[action]
	if op == nil {
		WriteError(w, r, p, InvalidAction(action))
		return
	}
	var out any
	run := a.View
	if slices.Contains(writes, action) {
		run = a.Update
	}
	err := run(func(st *State) error {
		var err error
		out, err = op(st, r.Form)
		return err
	})
	if err != nil {
		WriteError(w, r, p, AsAPIError(err))
		return
	}
	inner, err := innerXML(out)
	if err != nil {
		WriteError(w, r, p, AsAPIError(err))
		return
	}
	var body string
	if p == ProtoEC2 {
		body = "<requestId>" + RequestID + "</requestId>" + inner
	} else {
		body = "<" + action + "Result>" + inner + "</" + action + "Result>" +
			"<ResponseMetadata><RequestId>" + RequestID + "</RequestId></ResponseMetadata>"
	}
	w.Header().Set("X-Amzn-RequestId", RequestID)
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write([]byte(xml.Header + `<` + action + `Response xmlns="` + xmlns + `">` + body + `</` + action + `Response>`))
}

// innerXML is v's XML without its own element: the children of a result.
func innerXML(v any) (string, error) {
	var b bytes.Buffer
	if err := xml.NewEncoder(&b).EncodeElement(v, xml.StartElement{Name: xml.Name{Local: "r"}}); err != nil {
		return "", err
	}
	s := strings.TrimSuffix(strings.TrimPrefix(b.String(), "<r>"), "</r>")
	if s == "<r/>" {
		return "", nil
	}
	return s, nil
}

// QueryList reads an awsQuery list parameter: name.member.1, name.member.2…
// (ec2Query: name.1, name.2…; pass member "").
// https://smithy.io/2.0/aws/protocols/aws-query-protocol.html#query-key-resolution
func QueryList(form url.Values, name, member string) []string {
	prefix := name + "."
	if member != "" {
		prefix += member + "."
	}
	var out []string
	for i := 1; ; i++ {
		v, ok := form[prefix+strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v...)
	}
}

// Members is an awsQuery list in a response: <Name><member>…</member></Name>.
type Members[T any] struct {
	Member []T `xml:"member"`
}

// Items is an ec2Query list in a response: <nameSet><item>…</item></nameSet>.
type Items[T any] struct {
	Item []T `xml:"item"`
}

// Tag is one AWS tag in a query response.
type Tag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}
