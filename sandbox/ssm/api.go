package ssm

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
)

// Systems Manager Parameter Store, for the parameters a stack keeps its
// notification credentials in (stack config names them `ssm:/…`). JSON 1.1
// under the target prefix AmazonSSM.
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
const ssmTargetPrefix = "AmazonSSM"

func ServeSSM(a *core.Account, w http.ResponseWriter, r *http.Request, body []byte) {
	target := r.Header.Get("X-Amz-Target")
	switch target {
	case ssmTargetPrefix + ".PutParameter":
		// A write: serveJSON11 only reads the account.
		var out any
		err := a.Update(func(st *core.State) error {
			var err error
			out, err = putParameter(st, body)
			return err
		})
		if err != nil {
			core.WriteError(w, r, core.ProtoJSON, core.AsAPIError(err))
			return
		}
		core.WriteJSON(w, core.JSONContentType, out)
	default:
		a.ServeJSON11(w, r, body, ssmTargetPrefix, map[string]core.JSONOp{"GetParameter": getParameter})
	}
}

// PutParameter stores a parameter the way `aws ssm put-parameter` does, for
// tests and for users preparing a sandbox stack.
func PutParameter(a *core.Account, name, typ, value string, overwrite bool) error {
	in := fmt.Sprintf(`{"Name":%q,"Type":%q,"Value":%q,"Overwrite":%t}`, name, typ, value, overwrite)
	return a.Update(func(st *core.State) error {
		_, err := putParameter(st, []byte(in))
		return err
	})
}

func putParameter(st *core.State, in []byte) (any, error) {
	var req struct {
		Name      string `json:"Name"`
		Type      string `json:"Type"`
		Value     string `json:"Value"`
		Overwrite bool   `json:"Overwrite"`
	}
	if err := core.Decode(in, &req); err != nil {
		return nil, err
	}
	name, err := parameterName(req.Name)
	if err != nil {
		return nil, err
	}
	if req.Value == "" {
		return nil, core.BadRequest("ValidationException", "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	if st.Parameters == nil {
		st.Parameters = map[string]*core.Parameter{}
	}
	old, exists := st.Parameters[name]
	if exists && !req.Overwrite {
		// PutParameter refuses to replace a value unless asked to.
		return nil, core.BadRequest("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")
	}
	typ := req.Type
	switch {
	case typ == "" && exists:
		typ = old.Type
	case typ == "":
		return nil, core.BadRequest("ValidationException", "A parameter type is required when you create a parameter.")
	case typ != "String" && typ != "StringList" && typ != "SecureString":
		return nil, core.BadRequest("ValidationException", "1 validation error detected: Value '"+typ+"' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]")
	}
	version := int64(1)
	if exists {
		version = old.Version + 1
	}
	st.Parameters[name] = &core.Parameter{Type: typ, Value: req.Value, Version: version}
	return map[string]any{"Version": version, "Tier": "Standard"}, nil
}

func getParameter(st *core.State, in []byte) (any, error) {
	var req struct {
		Name           string `json:"Name"`
		WithDecryption bool   `json:"WithDecryption"`
	}
	if err := core.Decode(in, &req); err != nil {
		return nil, err
	}
	name, err := parameterName(req.Name)
	if err != nil {
		return nil, err
	}
	p, ok := st.Parameters[name]
	if !ok {
		return nil, core.BadRequest("ParameterNotFound", "")
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
		return "", core.BadRequest("ValidationException", "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null")
	}
	if rest, ok := strings.CutPrefix(s, "arn:"); ok {
		_, after, found := strings.Cut(rest, ":parameter")
		if !found || after == "" {
			return "", core.BadRequest("ValidationException", "Invalid parameter ARN: "+s)
		}
		// arn:…:parameter/a/b names /a/b; arn:…:parameter/x names x.
		if strings.Count(after, "/") == 1 {
			return strings.TrimPrefix(after, "/"), nil
		}
		return after, nil
	}
	return s, nil
}
