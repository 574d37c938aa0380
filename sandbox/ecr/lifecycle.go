package ecr

import (
	"encoding/json"

	"github.com/kirikae/kirikae/sandbox/core"
)

// TokLifecyclePolicy is a repository's lifecycle policy: rules that expire
// images (by count or age). There is one per repository; it goes when the
// repository does. ECR applies it on its own schedule, after the fact
// (expired images may remain for up to 24 hours), so the sandbox stores
// it and checks it as PutLifecyclePolicy does, and a push is never refused
// by it.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutLifecyclePolicy.html
const TokLifecyclePolicy = "aws:ecr/lifecyclePolicy:LifecyclePolicy"

func registerLifecycle() {
	core.Register(repositoryPolicySpec(TokLifecyclePolicy, checkLifecyclePolicy))
}

// checkLifecyclePolicy refuses what PutLifecyclePolicy refuses
// (InvalidParameterException): text that is not a policy with rules, each
// with a priority, a selection and an expire action.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
func checkLifecyclePolicy(e *core.Env) []string {
	s := e.Str("policy")
	if s == "" {
		return nil // unknown during preview, or missing (required says so)
	}
	var doc struct {
		Rules []struct {
			RulePriority int             `json:"rulePriority"`
			Selection    json.RawMessage `json:"selection"`
			Action       struct {
				Type string `json:"type"`
			} `json:"action"`
		} `json:"rules"`
	}
	if err := json.Unmarshal([]byte(s), &doc); err != nil || len(doc.Rules) == 0 {
		return []string{"policy: not a lifecycle policy with rules"}
	}
	for _, r := range doc.Rules {
		if r.RulePriority < 1 || len(r.Selection) == 0 || r.Action.Type != "expire" {
			return []string{"policy: every rule needs rulePriority >= 1, a selection and action.type \"expire\""}
		}
	}
	return nil
}

// dropLifecyclePolicy forgets the lifecycle policy of a deleted repository.
func dropLifecyclePolicy(st *core.State, repository string) {
	if k, r := st.Find(TokLifecyclePolicy, repository, ""); r != nil {
		delete(st.Resources, k)
	}
}
