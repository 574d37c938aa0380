package iam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Document is an identity-based policy as IAM stores it. Action, Resource
// and condition values may be one string or a list, so they parse through
// values:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement; exactly one of Action/NotAction and of
// Resource/NotResource is set in a valid identity-based policy.
type Statement struct {
	Sid         string    `json:"Sid,omitempty"`
	Effect      string    `json:"Effect"`
	Action      values    `json:"Action,omitempty"`
	NotAction   values    `json:"NotAction,omitempty"`
	Resource    values    `json:"Resource,omitempty"`
	NotResource values    `json:"NotResource,omitempty"`
	Condition   condition `json:"Condition,omitempty"`
}

// condition maps an operator to keys and their values.
type condition map[string]map[string]values

// values is a JSON string or array of values (numbers and booleans, as
// in "Bool": {"aws:SecureTransport": false}, are kept as their text).
type values []string

func (s *values) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var raw []json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			return err
		}
		out := make([]string, 0, len(raw))
		for _, r := range raw {
			v, err := scalar(r)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		*s = out
		return nil
	}
	v, err := scalar(b)
	if err != nil {
		return err
	}
	*s = []string{v}
	return nil
}

func scalar(b []byte) (string, error) {
	var str string
	if err := json.Unmarshal(b, &str); err == nil {
		return str, nil
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return "", err
	}
	switch x := v.(type) {
	case bool:
		return strconv.FormatBool(x), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	}
	return "", fmt.Errorf("policy value %s is neither a string, a number nor a boolean", b)
}

// Parse reads a policy document and checks what IAM's validation would
// refuse: an unknown effect, a statement with both or neither of Action and
// NotAction (or Resource and NotResource).
func Parse(doc []byte) (Document, error) {
	var d Document
	if err := json.Unmarshal(doc, &d); err != nil {
		return Document{}, fmt.Errorf("parse policy: MalformedPolicyDocument: %w", err)
	}
	for i, st := range d.Statement {
		switch {
		case st.Effect != "Allow" && st.Effect != "Deny":
			return Document{}, fmt.Errorf("parse policy: MalformedPolicyDocument: statement %d: Effect %q is neither Allow nor Deny", i, st.Effect)
		case (len(st.Action) == 0) == (len(st.NotAction) == 0):
			return Document{}, fmt.Errorf("parse policy: MalformedPolicyDocument: statement %d needs exactly one of Action and NotAction", i)
		case (len(st.Resource) == 0) == (len(st.NotResource) == 0):
			return Document{}, fmt.Errorf("parse policy: MalformedPolicyDocument: statement %d needs exactly one of Resource and NotResource", i)
		}
		for op := range st.Condition {
			if _, ok := parseOperator(op); !ok {
				return Document{}, fmt.Errorf("parse policy: MalformedPolicyDocument: statement %d: unknown condition operator %s", i, op)
			}
		}
	}
	return d, nil
}
