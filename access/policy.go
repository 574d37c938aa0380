package access

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// PolicyVersion is the policy language version; policy variables such as
// ${aws:PrincipalAccount} need it:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
const PolicyVersion = "2012-10-17"

// Policy is an IAM policy document (identity-based or a role's trust
// policy): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
type Policy struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a policy. Principal is set only in trust
// policies; NotAction and NotResource are kept for documents read back (the
// sandbox's evaluator parses any document, not only kirikae's).
type Statement struct {
	Sid         string     `json:"Sid,omitempty"`
	Effect      string     `json:"Effect"`
	Principal   *Principal `json:"Principal,omitempty"`
	Action      []string   `json:"Action,omitempty"`
	NotAction   []string   `json:"NotAction,omitempty"`
	Resource    []string   `json:"Resource,omitempty"`
	NotResource []string   `json:"NotResource,omitempty"`
	Condition   Condition  `json:"Condition,omitempty"`
}

// Principal names who a trust policy trusts.
type Principal struct {
	Federated string `json:"Federated,omitempty"`
}

// Condition maps an operator (StringEquals, StringLike, …) to condition
// keys and the values any of which satisfies the key:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
type Condition map[string]map[string][]string

// Effects.
const (
	Allow = "Allow"
	Deny  = "Deny"
)

// JSON renders the document the way `aws iam put-role-policy
// --policy-document` takes it: indented, keys in a fixed order.
func (p Policy) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return nil, fmt.Errorf("encode policy: %w", err)
	}
	return buf.Bytes(), nil
}

// Sids lists the statement ids in order.
func (p Policy) Sids() []string {
	out := make([]string, 0, len(p.Statement))
	for _, s := range p.Statement {
		out = append(out, s.Sid)
	}
	return out
}

// Without returns the policy minus the statement sid: what a test grants to
// show that statement is needed.
func (p Policy) Without(sid string) Policy {
	out := Policy{Version: p.Version}
	for _, s := range p.Statement {
		if s.Sid != sid {
			out.Statement = append(out.Statement, s)
		}
	}
	return out
}
