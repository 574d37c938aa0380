package view

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kirikae/kirikae/deploy"
)

func TestExpandChangesShowsWhatChangedInside(t *testing.T) {
	actions := func(blue, green float64) any {
		return []any{map[string]any{"type": "forward", "forward": map[string]any{
			"targetGroups": []any{
				map[string]any{"arn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/blue/1", "weight": blue},
				map[string]any{"arn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/green/2", "weight": green},
			}}}}
	}
	defs := func(image string) string {
		return `[{"name":"api","image":"` + image + `","essential":true,"portMappings":[{"containerPort":8080}]}]`
	}
	got := expandChanges([]deploy.PropertyChange{
		{Path: "defaultActions[0].forward.targetGroups[0].weight", Kind: "update", Old: actions(100, 0), New: actions(0, 100)},
		{Path: "defaultActions[0].forward.targetGroups[1].weight", Kind: "update", Old: actions(100, 0), New: actions(0, 100)},
		{Path: "containerDefinitions", Kind: "update-replace", Old: defs("repo:v1"), New: defs("repo:v2")},
		{Path: "desiredCount", Kind: "update", Old: 1.0, New: 2.0},
	})
	assert.Equal(t, []deploy.PropertyChange{
		{Path: "defaultActions[0].forward.targetGroups[0].weight", Kind: "update", Old: 100.0, New: 0.0},
		{Path: "defaultActions[0].forward.targetGroups[1].weight", Kind: "update", Old: 0.0, New: 100.0},
		{Path: "containerDefinitions[0].image", Kind: "update-replace", Old: "repo:v1", New: "repo:v2"},
		{Path: "desiredCount", Kind: "update", Old: 1.0, New: 2.0},
	}, got)
}

func TestExpandChangesKeepsAddsDeletesAndSecrets(t *testing.T) {
	got := expandChanges([]deploy.PropertyChange{
		{Path: "tags", Kind: "update", Old: map[string]any{"Team": "web"}, New: map[string]any{"Team": "web", "Env": "staging"}},
		{Path: "environment", Kind: "add", New: []any{"A=1"}},
	})
	assert.Equal(t, []deploy.PropertyChange{
		{Path: "tags.Env", Kind: "add", New: "staging"},
		{Path: "environment", Kind: "add", New: []any{"A=1"}},
	}, got)
}
