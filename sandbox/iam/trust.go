package iam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// A role's trust policy is the resource-based policy of the role: it names
// who may assume it (Principal) and how (Action), under conditions on the
// request. It has no Resource: the role is the resource.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html (trust policy)

// TrustDocument is a role's trust policy.
type TrustDocument struct {
	Version   string           `json:"Version"`
	Statement []TrustStatement `json:"Statement"`
}

// TrustStatement is one statement of a trust policy.
type TrustStatement struct {
	Sid          string    `json:"Sid,omitempty"`
	Effect       string    `json:"Effect"`
	Principal    principal `json:"Principal,omitempty"`
	NotPrincipal principal `json:"NotPrincipal,omitempty"`
	Action       values    `json:"Action,omitempty"`
	NotAction    values    `json:"NotAction,omitempty"`
	Condition    condition `json:"Condition,omitempty"`
}

// principal maps a principal type (AWS, Federated, Service,
// CanonicalUser) to its values; "Principal": "*" is everyone, kept as
// {"*": ["*"]}.
type principal map[string]values

func (p *principal) UnmarshalJSON(b []byte) error {
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s != "*" {
			return fmt.Errorf("principal %q is neither \"*\" nor an object", s)
		}
		*p = principal{"*": {"*"}}
		return nil
	}
	var m map[string]values
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*p = m
	return nil
}

// names reports whether the element names the principal of type kind
// with identifier id: "*" (alone or as a type's value) names everyone.
// Principal values are compared whole, without wildcards other than "*".
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous
func (p principal) names(kind, id string) bool {
	if _, all := p["*"]; all {
		return true
	}
	for _, v := range p[kind] {
		if v == "*" || v == id {
			return true
		}
	}
	return false
}

// ParseTrust reads a trust policy, refusing what IAM refuses in one: an
// unknown effect, a statement without exactly one of Principal and
// NotPrincipal or of Action and NotAction, a Resource, an unknown
// condition operator.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
func ParseTrust(doc []byte) (TrustDocument, error) {
	var raw struct {
		Statement []map[string]json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal(doc, &raw); err != nil {
		return TrustDocument{}, fmt.Errorf("parse trust policy: MalformedPolicyDocument: %w", err)
	}
	for i, st := range raw.Statement {
		for _, k := range []string{"Resource", "NotResource"} {
			if _, ok := st[k]; ok {
				return TrustDocument{}, fmt.Errorf("parse trust policy: MalformedPolicyDocument: statement %d has prohibited field %s", i, k)
			}
		}
	}
	var d TrustDocument
	if err := json.Unmarshal(doc, &d); err != nil {
		return TrustDocument{}, fmt.Errorf("parse trust policy: MalformedPolicyDocument: %w", err)
	}
	for i, st := range d.Statement {
		switch {
		case st.Effect != "Allow" && st.Effect != "Deny":
			return TrustDocument{}, fmt.Errorf("parse trust policy: MalformedPolicyDocument: statement %d: Effect %q is neither Allow nor Deny", i, st.Effect)
		case (len(st.Principal) == 0) == (len(st.NotPrincipal) == 0):
			return TrustDocument{}, fmt.Errorf("parse trust policy: MalformedPolicyDocument: statement %d needs exactly one of Principal and NotPrincipal", i)
		case (len(st.Action) == 0) == (len(st.NotAction) == 0):
			return TrustDocument{}, fmt.Errorf("parse trust policy: MalformedPolicyDocument: statement %d needs exactly one of Action and NotAction", i)
		}
		for op := range st.Condition {
			if _, ok := parseOperator(op); !ok {
				return TrustDocument{}, fmt.Errorf("parse trust policy: MalformedPolicyDocument: statement %d: unknown condition operator %s", i, op)
			}
		}
	}
	return d, nil
}

// TrustRequest is one attempt to assume a role: the principal asking (its
// type in a Principal element and its identifier, e.g. Federated and an
// OIDC provider's ARN), the STS action, and the request context (for a
// web identity, the provider's claim keys).
type TrustRequest struct {
	PrincipalType string
	Principal     string
	Action        string
	Context       Context
}

// EvaluateTrust decides an assumption against the role's trust policy as
// AWS does for a resource-based policy: an explicit Deny that applies
// wins, otherwise an applying Allow grants, otherwise the caller is
// refused. A federated principal is outside the account, so nothing but
// the trust policy can grant it.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_oidc.html
func EvaluateTrust(d TrustDocument, r TrustRequest) Decision {
	return decide(d.Statement, func(st TrustStatement) (bool, string) { return st.applies(r), st.Effect })
}

func (st TrustStatement) applies(r TrustRequest) bool {
	if len(st.Principal) > 0 && !st.Principal.names(r.PrincipalType, r.Principal) {
		return false
	}
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
	if len(st.NotPrincipal) > 0 && st.NotPrincipal.names(r.PrincipalType, r.Principal) {
		return false
	}
	if len(st.Action) > 0 && !anyMatch(st.Action, func(p string) bool { return actionMatches(p, r.Action) }) {
		return false
	}
	if len(st.NotAction) > 0 && anyMatch(st.NotAction, func(p string) bool { return actionMatches(p, r.Action) }) {
		return false
	}
	for op, keys := range st.Condition {
		if !holds(op, keys, r.Context) {
			return false
		}
	}
	return true
}

// TrustAllows parses a role's trust policy and decides the request: the
// form sandbox/sts calls (through services.go), with the context's keys
// as claim keys and their values.
func TrustAllows(policy, principalType, principalID, action string, keys map[string][]string) (bool, error) {
	d, err := ParseTrust([]byte(policy))
	if err != nil {
		return false, err
	}
	ctx := Context{}
	for k, v := range keys {
		ctx.Set(k, v...)
	}
	return EvaluateTrust(d, TrustRequest{PrincipalType: principalType, Principal: principalID,
		Action: strings.TrimSpace(action), Context: ctx}) == Allowed, nil
}
