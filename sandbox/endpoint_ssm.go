package sandbox

import (
	"fmt"
	"net/http"
	"strings"
)

// Systems Manager Parameter Store, for the parameters a stack keeps its
// notification credentials in (stack config names them `ssm:/…`). JSON 1.1
// under the target prefix AmazonSSM.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
const ssmTargetPrefix = "AmazonSSM"

// parameter is one stored parameter. A SecureString's value is kept as
// given: the sandbox has no KMS, and only the endpoint's credentials reach it.
type parameter struct {
	Type    string `json:"type"` // String, StringList, SecureString
	Value   string `json:"value"`
	Version int64  `json:"version"`
}

func (a *Account) serveSSM(w http.ResponseWriter, r *http.Request, body []byte) {
	target := r.Header.Get("X-Amz-Target")
	switch target {
	case ssmTargetPrefix + ".PutParameter":
		// A write: serveJSON11 only reads the account.
		var out any
		err := a.update(func(st *state) error {
			var err error
			out, err = putParameter(st, body)
			return err
		})
		if err != nil {
			writeError(w, r, protoJSON, asAPIError(err))
			return
		}
		writeJSON(w, jsonContentType, out)
	default:
		a.serveJSON11(w, r, body, ssmTargetPrefix, map[string]jsonOp{"GetParameter": getParameter})
	}
}

// PutParameter stores a parameter the way `aws ssm put-parameter` does, for
// tests and for users preparing a sandbox stack.
func (a *Account) PutParameter(name, typ, value string, overwrite bool) error {
	in := fmt.Sprintf(`{"Name":%q,"Type":%q,"Value":%q,"Overwrite":%t}`, name, typ, value, overwrite)
	return a.update(func(st *state) error {
		_, err := putParameter(st, []byte(in))
		return err
	})
}

func putParameter(st *state, in []byte) (any, error) {
	var req struct {
		Name      string `json:"Name"`
		Type      string `json:"Type"`
		Value     string `json:"Value"`
		Overwrite bool   `json:"Overwrite"`
	}
	if err := decode(in, &req); err != nil {
		return nil, err
	}
	name, err := parameterName(req.Name)
	if err != nil {
		return nil, err
	}
	if req.Value == "" {
		return nil, badRequest("ValidationException", "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	if st.Parameters == nil {
		st.Parameters = map[string]*parameter{}
	}
	old, exists := st.Parameters[name]
	if exists && !req.Overwrite {
		// PutParameter refuses to replace a value unless asked to.
		return nil, badRequest("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")
	}
	typ := req.Type
	switch {
	case typ == "" && exists:
		typ = old.Type
	case typ == "":
		return nil, badRequest("ValidationException", "A parameter type is required when you create a parameter.")
	case typ != "String" && typ != "StringList" && typ != "SecureString":
		return nil, badRequest("ValidationException", "1 validation error detected: Value '"+typ+"' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]")
	}
	version := int64(1)
	if exists {
		version = old.Version + 1
	}
	st.Parameters[name] = &parameter{Type: typ, Value: req.Value, Version: version}
	return map[string]any{"Version": version, "Tier": "Standard"}, nil
}

func getParameter(st *state, in []byte) (any, error) {
	var req struct {
		Name           string `json:"Name"`
		WithDecryption bool   `json:"WithDecryption"`
	}
	if err := decode(in, &req); err != nil {
		return nil, err
	}
	name, err := parameterName(req.Name)
	if err != nil {
		return nil, err
	}
	p, ok := st.Parameters[name]
	if !ok {
		return nil, badRequest("ParameterNotFound", "")
	}
	value := p.Value
	if p.Type == "SecureString" && !req.WithDecryption {
		// Without decryption GetParameter returns the ciphertext; the
		// sandbox has no KMS, so it returns a marker that is never the value.
		value = "AQICAHkirikaesandboxciphertext"
	}
	return map[string]any{"Parameter": map[string]any{
		"Name": name, "Type": p.Type, "Value": value, "Version": p.Version,
	}}, nil
}

// parameterName accepts a name or its ARN, as GetParameter does.
// https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-su-create.html
func parameterName(s string) (string, error) {
	if s == "" {
		return "", badRequest("ValidationException", "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null")
	}
	if rest, ok := strings.CutPrefix(s, "arn:"); ok {
		_, after, found := strings.Cut(rest, ":parameter")
		if !found || after == "" {
			return "", badRequest("ValidationException", "Invalid parameter ARN: "+s)
		}
		// arn:…:parameter/a/b names /a/b; arn:…:parameter/x names x.
		if strings.Count(after, "/") == 1 {
			return strings.TrimPrefix(after, "/"), nil
		}
		return after, nil
	}
	return s, nil
}
