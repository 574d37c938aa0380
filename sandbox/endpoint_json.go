package sandbox

import (
	"encoding/json"
	"hash/fnv"
	"net/http"
	"strings"
)

// jsonOp answers one awsJson1_1 operation from a read-only view of the
// account.
type jsonOp func(st *state, in []byte) (any, error)

const jsonContentType = "application/x-amz-json-1.1"

// serveJSON11 dispatches an awsJson1_1 request by its X-Amz-Target header,
// "<prefix>.<Operation>".
// https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html
func (a *Account) serveJSON11(w http.ResponseWriter, r *http.Request, body []byte, prefix string, ops map[string]jsonOp) {
	target := r.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, prefix+".")
	op := ops[name]
	if r.Method != http.MethodPost || !ok || op == nil {
		writeError(w, r, protoJSON, unknownOperation(target))
		return
	}
	if len(body) == 0 {
		body = []byte("{}")
	}
	var out any
	run := a.view
	if ecrMutatingOps[name] {
		run = a.update
	}
	err := run(func(st *state) error {
		var err error
		out, err = op(st, body)
		return err
	})
	if err != nil {
		writeError(w, r, protoJSON, asAPIError(err))
		return
	}
	writeJSON(w, jsonContentType, out)
}

// decode reads a JSON request body; a malformed one is the caller's fault.
func decode(in []byte, v any) error {
	if err := json.Unmarshal(in, v); err != nil {
		return badRequest("SerializationException", "cannot read the request body: "+err.Error())
	}
	return nil
}

// epoch is how awsJson and restJson carry timestamps: seconds since 1970.
func epoch(rfc3339 string) float64 {
	if rfc3339 == "" {
		rfc3339 = fixedTime
	}
	return float64(modified(object{Modified: rfc3339}).Unix())
}

// stableDigits turns a string into n decimal digits, for ids AWS makes up
// (ECS deployment ids) that must stay the same between calls.
func stableDigits(s string, n int) string {
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

func strOf(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}
