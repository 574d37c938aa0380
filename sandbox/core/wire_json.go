package core

import (
	"encoding/json"
	"hash/fnv"
	"net/http"
	"strings"
)

// JSONOp answers one awsJson1_1 operation from a read-only view of the
// account.
type JSONOp func(st *State, in []byte) (any, error)

const JSONContentType = "application/x-amz-json-1.1"

// ServeJSON11 dispatches an awsJson1_1 request by its X-Amz-Target header,
// "<prefix>.<Operation>".
// https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html
func (a *Account) ServeJSON11(w http.ResponseWriter, r *http.Request, body []byte, prefix string, ops map[string]JSONOp) {
	target := r.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, prefix+".")
	op := ops[name]
	if r.Method != http.MethodPost || !ok || op == nil {
		WriteError(w, r, ProtoJSON, UnknownOperation(target))
		return
	}
	if len(body) == 0 {
		body = []byte("{}")
	}
	var out any
	run := a.View
	if ecrMutatingOps[name] {
		run = a.Update
	}
	err := run(func(st *State) error {
		var err error
		out, err = op(st, body)
		return err
	})
	if err != nil {
		WriteError(w, r, ProtoJSON, AsAPIError(err))
		return
	}
	WriteJSON(w, JSONContentType, out)
}

// Decode reads a JSON request body; a malformed one is the caller's fault.
func Decode(in []byte, v any) error {
	if err := json.Unmarshal(in, v); err != nil {
		return BadRequest("SerializationException", "cannot read the request body: "+err.Error())
	}
	return nil
}

// Epoch is how awsJson and restJson carry timestamps: seconds since 1970.
func Epoch(rfc3339 string) float64 {
	if rfc3339 == "" {
		rfc3339 = FixedTime
	}
	return float64(Modified(Object{Modified: rfc3339}).Unix())
}

// StableDigits turns a string into n decimal digits, for ids AWS makes up
// (ECS deployment ids) that must stay the same between calls.
func StableDigits(s string, n int) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	v := h.Sum64()
	out := make([]byte, n)
	for i := range out {
		out[i] = byte('0' + v%10)
		v = v/10 + uint64(i)*7919
	}
	return string(out)
}

func StrOf(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// ecrMutatingOps are the ECR operations that change the account; the JSON
// endpoint runs them under the exclusive lock and saves their state.
var ecrMutatingOps = map[string]bool{"BatchDeleteImage": true}

// ServeRESTJSON answers a restJson1 request (Lambda, API Gateway) with op's
// value, read from a view of the account; a nil op is an operation the
// sandbox does not serve.
// https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html
func (a *Account) ServeRESTJSON(w http.ResponseWriter, r *http.Request, op func(st *State) (any, error)) {
	if op == nil {
		WriteError(w, r, ProtoRESTJSON, UnknownOperation(r.Method+" "+r.URL.Path))
		return
	}
	var out any
	err := a.View(func(st *State) error {
		var err error
		out, err = op(st)
		return err
	})
	if err != nil {
		WriteError(w, r, ProtoRESTJSON, AsAPIError(err))
		return
	}
	WriteJSON(w, "application/json", out)
}
