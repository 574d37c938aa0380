package view

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kirikae/kirikae/deploy"
)

// A pull request that deploys image v2: what a reviewer reads. The plan
// leads (switch, downtime, undo), then the changes, with the weights and the
// image shown where they changed inside their values.
func fixtureSwitchPlan() *deploy.Plan {
	actions := func(blue, green float64) any {
		return []any{map[string]any{"type": "forward", "forward": map[string]any{"targetGroups": []any{
			map[string]any{"arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/kirikae-staging-blue/0123456789abcdef", "weight": blue},
			map[string]any{"arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/kirikae-staging-green/fedcba9876543210", "weight": green},
		}}}}
	}
	defs := func(image string) string {
		return `[{"name":"api","image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/kirikae-api:` + image +
			`","essential":true,"portMappings":[{"containerPort":8080,"protocol":"tcp"}],"environment":[{"name":"KIRIKAE_VERSION","value":"` + image + `"}]}]`
	}
	resources := []deploy.ResourceChange{
		{URN: urn("aws:ecs/taskDefinition:TaskDefinition", "green"), Type: "aws:ecs/taskDefinition:TaskDefinition", Name: "green", Op: deploy.OpReplace,
			Properties: []deploy.PropertyChange{{Path: "containerDefinitions", Kind: "update-replace", Old: defs("v1"), New: defs("v2")}}},
		{URN: urn("aws:lb/listener:Listener", "http"), Type: "aws:lb/listener:Listener", Name: "http", Op: deploy.OpUpdate,
			Properties: []deploy.PropertyChange{
				{Path: "defaultActions[0].forward.targetGroups[0].weight", Kind: "update", Old: actions(100, 0), New: actions(0, 100)},
				{Path: "defaultActions[0].forward.targetGroups[1].weight", Kind: "update", Old: actions(100, 0), New: actions(0, 100)},
			}},
	}
	return &deploy.Plan{Stack: "staging", Kind: "deploy",
		Switches: []string{"traffic blue → green (v1 → v2)"},
		Preview: &deploy.Result{Operation: "preview", Stack: "staging", Sandbox: true,
			Changes: map[string]int{"update": 1, "replace": 1, "same": 43}, Resources: resources},
		Downtime: "none: switch only", RollbackCommand: "kirikae rollback --stack staging --to 6 --sandbox"}
}

func fixtureFirstPlan() *deploy.Plan {
	return &deploy.Plan{Stack: "staging", Kind: "deploy", First: true, Switches: []string{}, Downtime: "none: switch only",
		Preview: &deploy.Result{Operation: "preview", Stack: "staging", Changes: map[string]int{"create": 3},
			Resources: []deploy.ResourceChange{
				{URN: urn("aws:ec2/vpc:Vpc", "vpc"), Type: "aws:ec2/vpc:Vpc", Name: "vpc", Op: deploy.OpCreate},
				{URN: urn("aws:ecs/cluster:Cluster", "cluster"), Type: "aws:ecs/cluster:Cluster", Name: "cluster", Op: deploy.OpCreate},
				{URN: urn("aws:lb/listener:Listener", "http"), Type: "aws:lb/listener:Listener", Name: "http", Op: deploy.OpCreate},
			}}}
}

// cmdPullRequest is what preview --markdown writes: the plan, then the preview.
var cmdPullRequest = func(v View) error {
	p := fixtureSwitchPlan()
	if err := v.Plan(p); err != nil {
		return err
	}
	return v.Result(p.Preview)
}

func init() {
	goldenCases = append(goldenCases,
		goldenCase{"md_pull_request", markdown(MarkdownOptions{Command: "kirikae up --stack staging --image v2 --sandbox"}), cmdPullRequest},
		goldenCase{"human_pull_request_diff", human(HumanOptions{ShowDiff: true}), cmdPullRequest},
		goldenCase{"md_plan_first", markdown(mdOpts), func(v View) error { return v.Plan(fixtureFirstPlan()) }},
		goldenCase{"human_plan_first", human(HumanOptions{}), func(v View) error { return v.Plan(fixtureFirstPlan()) }},
	)
}

func TestPullRequestCommentLeadsWithThePlan(t *testing.T) {
	_, md := render(t, goldenCase{"", markdown(MarkdownOptions{Command: "kirikae up --stack staging --image v2 --sandbox"}), cmdPullRequest})
	assertTables(t, md)
	assert.True(t, strings.HasPrefix(md, "### kirikae release plan: staging (deploy)\n\n- switch: `traffic blue → green (v1 → v2)`\n- downtime: none: switch only\n- undo with `kirikae rollback --stack staging --to 6 --sandbox`\n"), md)
	assert.Contains(t, md, "| `containerDefinitions[0].image` (forces replacement) | `\"123456789012.dkr.ecr.us-east-1.amazonaws.com/kirikae-api:v1\"` | `\"123456789012.dkr.ecr.us-east-1.amazonaws.com/kirikae-api:v2\"` |")
	assert.Contains(t, md, "| `defaultActions[0].forward.targetGroups[0].weight` | `100` | `0` |")
	assert.Contains(t, md, "| `defaultActions[0].forward.targetGroups[1].weight` | `0` | `100` |")
	assert.Contains(t, md, "Apply with `kirikae up --stack staging --image v2 --sandbox`")
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "<details>") {
			assert.NotContains(t, line, "&#", "no HTML entities where code spans suffice: %s", line)
		}
	}
}
