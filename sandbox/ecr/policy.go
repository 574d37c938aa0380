package ecr

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
)

// An ECR repository policy is the repository's resource-based policy: by
// default only the owning account can use a repository, and the policy
// is how another account is let in. There is one per repository (setting
// it again replaces it); it goes when the repository does.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html

func registerPolicy() {
	core.Register(repositoryPolicySpec(core.TokRepositoryPolicy, checkRepositoryPolicy))
}

// repositoryPolicySpec is a policy document set on one repository (its
// permissions, its lifecycle): the provider's id is the repository name,
// another repository is another policy, and the repository must exist, as
// Set/PutXPolicy answer RepositoryNotFoundException otherwise.
func repositoryPolicySpec(token string, check func(*core.Env) []string) *core.TypeSpec {
	return &core.TypeSpec{Token: token, Required: []string{"repository", "policy"},
		Immutable: []string{"repository"},
		Check:     check,
		Create: func(e *core.Env) (string, error) {
			repo := e.Str("repository")
			if _, err := Repository(e.St, repo); err != nil {
				return "", err
			}
			e.Put("registryId", e.Account)
			return repo, nil
		}}
}

// checkRepositoryPolicy refuses what SetRepositoryPolicy refuses: text
// that is not a JSON policy with statements.
func checkRepositoryPolicy(e *core.Env) []string {
	s := e.Str("policy")
	if s == "" {
		return nil // unknown during preview, or missing (required says so)
	}
	if _, err := ParsePolicy(s); err != nil {
		return []string{"policy: " + err.Error()}
	}
	return nil
}

// dropRepositoryPolicy forgets the policy of a deleted repository: a
// repository created again under the name starts without one.
func dropRepositoryPolicy(st *core.State, repository string) {
	if k, r := st.Find(core.TokRepositoryPolicy, repository, ""); r != nil {
		delete(st.Resources, k)
	}
}

// RepositoryPolicy returns the repository's policy text, "" for none.
func RepositoryPolicy(st *core.State, repository string) string {
	_, r := st.Find(core.TokRepositoryPolicy, repository, "")
	if r == nil {
		return ""
	}
	outs, _ := core.Plain(r.Outputs).(map[string]any)
	return core.StrOf(outs, "policy")
}

// PolicyDoc is the part of an IAM policy document a repository policy
// decision reads.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
type PolicyDoc struct {
	Statement []policyStatement
}

type policyStatement struct {
	Effect    string
	Principal any
	Action    any
	Condition map[string]any
}

// ParsePolicy reads a policy document. Statement may be one object or a
// list, as IAM's grammar allows.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
func ParsePolicy(text string) (PolicyDoc, error) {
	var raw struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return PolicyDoc{}, invalidPolicy("not valid JSON: " + err.Error())
	}
	var doc PolicyDoc
	if len(raw.Statement) == 0 || string(raw.Statement) == "null" {
		return doc, invalidPolicy("no Statement")
	}
	if raw.Statement[0] == '{' {
		var one policyStatement
		if err := json.Unmarshal(raw.Statement, &one); err != nil {
			return doc, invalidPolicy("Statement: " + err.Error())
		}
		doc.Statement = []policyStatement{one}
	} else if err := json.Unmarshal(raw.Statement, &doc.Statement); err != nil {
		return doc, invalidPolicy("Statement: " + err.Error())
	}
	if len(doc.Statement) == 0 {
		return doc, invalidPolicy("no Statement")
	}
	for _, s := range doc.Statement {
		if s.Effect != "Allow" && s.Effect != "Deny" {
			return doc, invalidPolicy(fmt.Sprintf("Effect %q is neither Allow nor Deny", s.Effect))
		}
		if s.Principal == nil {
			return doc, invalidPolicy("a statement of a resource-based policy needs a Principal")
		}
	}
	return doc, nil
}

func invalidPolicy(why string) error {
	return core.BadRequest("InvalidParameterException",
		"Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided': "+why)
}

// Allows reports whether the policy grants every one of actions to the
// principals of account: an explicit Deny wins, and without an Allow for
// an action it is denied. A statement with a Condition is not evaluated:
// its Allow grants nothing here and its Deny denies, so the sandbox never
// lets in what AWS might keep out.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
func (doc PolicyDoc) Allows(account string, actions ...string) bool {
	for _, action := range actions {
		allowed := false
		for _, s := range doc.Statement {
			if !principalMatches(s.Principal, account) || !actionMatches(s.Action, action) {
				continue
			}
			if s.Effect == "Deny" {
				return false
			}
			if len(s.Condition) == 0 {
				allowed = true
			}
		}
		if !allowed {
			return false
		}
	}
	return true
}

// principalMatches: "*", or an AWS principal naming the account ("<id>"
// or its root "arn:aws:iam::<id>:root"), which delegates to every
// principal of that account.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
func principalMatches(p any, account string) bool {
	if p == "*" {
		return true
	}
	m, ok := p.(map[string]any)
	if !ok {
		return false
	}
	return slices.ContainsFunc(stringsOf(m["AWS"]), func(s string) bool {
		return s == "*" || s == account || s == "arn:aws:iam::"+account+":root"
	})
}

// actionMatches matches an action against Action's patterns ("ecr:*");
// action names are case-insensitive.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
func actionMatches(a any, action string) bool {
	return slices.ContainsFunc(stringsOf(a), func(pattern string) bool {
		ok, _ := path.Match(strings.ToLower(pattern), strings.ToLower(action))
		return ok
	})
}

// stringsOf reads a policy element that is one string or a list of them.
func stringsOf(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// accessDenied is ECR refusing a caller no policy lets in.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/security_iam_troubleshoot.html
func accessDenied(caller, action, resource string) error {
	return &core.APIError{Status: http.StatusBadRequest, Code: "AccessDeniedException", Message: fmt.Sprintf(
		"User: arn:aws:iam::%s:user/kirikae-sandbox is not authorized to perform: %s on resource: %s because no resource-based policy allows the %s action",
		caller, action, resource, action)}
}
