package iam

// Decision is the outcome of evaluating a request.
type Decision int

const (
	// ImplicitDeny: no statement allows the request ("denied by default").
	ImplicitDeny Decision = iota
	// Allowed: a statement allows it and none denies it.
	Allowed
	// ExplicitDeny: a Deny statement matches; it overrides every Allow.
	ExplicitDeny
)

// Request is one authorisation question: may the caller perform action on
// resource, given the request context?
type Request struct {
	Action   string // service:Operation, e.g. s3:GetObject
	Resource string // the ARN the operation addresses, or "*"
	Context  Context
}

// Evaluate applies AWS's evaluation logic to the caller's identity-based
// policies: "an explicit deny in any of these policies overrides the
// allow", otherwise any Allow grants, otherwise the request is implicitly
// denied.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func Evaluate(docs []Document, r Request) Decision {
	var all []Statement
	for _, d := range docs {
		all = append(all, d.Statement...)
	}
	return decide(all, func(st Statement) (bool, string) { return st.applies(r), st.Effect })
}

// decide combines the statements that apply as AWS does: an applying Deny
// wins, else an applying Allow grants, else the request is implicitly
// denied. applies reports whether one statement applies, and its effect.
func decide[S any](statements []S, applies func(S) (bool, string)) Decision {
	allowed := false
	for _, st := range statements {
		ok, effect := applies(st)
		if !ok {
			continue
		}
		if effect == "Deny" {
			return ExplicitDeny
		}
		allowed = true
	}
	if allowed {
		return Allowed
	}
	return ImplicitDeny
}

// applies reports whether the statement covers the request: its action,
// its resource and every condition.
func (st Statement) applies(r Request) bool {
	if len(st.Action) > 0 && !anyMatch(st.Action, func(p string) bool { return actionMatches(p, r.Action) }) {
		return false
	}
	// NotAction: the statement covers every action except those listed.
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
	if len(st.NotAction) > 0 && anyMatch(st.NotAction, func(p string) bool { return actionMatches(p, r.Action) }) {
		return false
	}
	res := func(p string) bool { return resourceMatches(p, r.Resource, r.Context) }
	if len(st.Resource) > 0 && !anyMatch(st.Resource, res) {
		return false
	}
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
	if len(st.NotResource) > 0 && anyMatch(st.NotResource, res) {
		return false
	}
	for op, keys := range st.Condition {
		if !holds(op, keys, r.Context) {
			return false
		}
	}
	return true
}

func anyMatch(patterns []string, match func(string) bool) bool {
	for _, p := range patterns {
		if match(p) {
			return true
		}
	}
	return false
}
