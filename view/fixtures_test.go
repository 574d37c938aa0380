package view

import (
	"fmt"
	"time"

	"github.com/kirikae/kirikae/deploy"
)

// Secret values planted in the fixtures; no view may ever print them.
const (
	secretOutput = "hunter2-SECRET-OUTPUT"
	secretProp   = "s3cr3t-PROPERTY-VALUE"
)

var t0 = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

func urn(typ, name string) string {
	return "urn:pulumi:staging::kirikae::" + typ + "::" + name
}

// secretValue is a property value as Pulumi serializes a secret.
func secretValue(plaintext string) map[string]any {
	return map[string]any{secretSig: "1b47061264138c4ac30d75fd1eb44270", "plaintext": `"` + plaintext + `"`}
}

func fixtureResources() []deploy.ResourceChange {
	return []deploy.ResourceChange{
		{URN: urn("aws:ecs/cluster:Cluster", "cluster"), Type: "aws:ecs/cluster:Cluster", Name: "cluster", Op: deploy.OpCreate},
		{URN: urn("aws:ecs/service:Service", "api"), Type: "aws:ecs/service:Service", Name: "api", Op: deploy.OpUpdate,
			Properties: []deploy.PropertyChange{
				{Path: "image", Kind: "update", Old: "repo:v1", New: "repo:v2"},
				{Path: "tags", Kind: "update", Old: map[string]any{"Team": "web"}, New: map[string]any{"Team": "web", "Env": "staging"}},
				{Path: "environment", Kind: "add", New: []any{"A=1", "B=a-very-long-value-that-goes-on-and-on-well-past-the-eighty-character-limit-of-a-diff-line"}},
			}},
		{URN: urn("aws:rds/instance:Instance", "db"), Type: "aws:rds/instance:Instance", Name: "db", Op: deploy.OpReplace,
			Properties: []deploy.PropertyChange{
				{Path: "identifier", Kind: "update-replace", Old: "db-a", New: "db-b"},
				{Path: "password", Kind: "update", Old: secretValue(secretProp), New: secretValue(secretProp + "2")},
			}},
		{URN: urn("aws:sqs/queue:Queue", "old-queue"), Type: "aws:sqs/queue:Queue", Name: "old-queue", Op: deploy.OpDelete,
			Properties: []deploy.PropertyChange{{Path: "name", Kind: "delete", Old: "old-queue"}}},
		// A value with a pipe and backticks: it must not break a markdown table.
		{URN: urn("aws:ssm/parameter:Parameter", "pipe|param"), Type: "aws:ssm/parameter:Parameter", Name: "pipe|param", Op: deploy.OpUpdate,
			Properties: []deploy.PropertyChange{{Path: "value", Kind: "update", Old: "a|b", New: "run `make` | tee *log*"}}},
	}
}

func fixtureOutputs() map[string]deploy.Output {
	return map[string]deploy.Output{
		"url":        {Value: "https://staging.example.com"},
		"dbPassword": {Value: secretOutput, Secret: true},
		"desired":    {Value: float64(2)},
		"subnets":    {Value: []any{"subnet-a", "subnet-b"}},
	}
}

func previewResult() *deploy.Result {
	return &deploy.Result{
		Operation: "preview", Stack: "staging",
		Changes:   map[string]int{"create": 1, "update": 2, "replace": 1, "delete": 1, "same": 40},
		Resources: fixtureResources(),
		Duration:  1234 * time.Millisecond,
	}
}

func upResult() *deploy.Result {
	r := previewResult()
	r.Operation = "up"
	r.Sandbox = true
	r.Duration = 72 * time.Second
	r.Outputs = fixtureOutputs()
	return r
}

func noChangeResult() *deploy.Result {
	return &deploy.Result{Operation: "preview", Stack: "staging", Changes: map[string]int{"same": 45}, Resources: []deploy.ResourceChange{}, Duration: 800 * time.Millisecond}
}

func refreshResult() *deploy.Result {
	return &deploy.Result{Operation: "refresh", Stack: "staging", Duration: 3 * time.Second,
		Changes: map[string]int{"update": 1, "same": 44},
		Resources: []deploy.ResourceChange{{URN: urn("aws:ecs/service:Service", "api"), Type: "aws:ecs/service:Service", Name: "api", Op: deploy.OpUpdate,
			Properties: []deploy.PropertyChange{{Path: "desiredCount", Kind: "update", Old: float64(2), New: float64(3)}}}},
	}
}

// longResult has 120 changed resources, past the markdown resource limit.
func longResult() *deploy.Result { return manyResources(120) }

func manyResources(n int) *deploy.Result {
	r := &deploy.Result{Operation: "preview", Stack: "product", Changes: map[string]int{"update": n}, Duration: 5 * time.Second}
	for i := range n {
		name := fmt.Sprintf("queue-%03d", i)
		r.Resources = append(r.Resources, deploy.ResourceChange{
			URN: urn("aws:sqs/queue:Queue", name), Type: "aws:sqs/queue:Queue", Name: name, Op: deploy.OpUpdate,
			Properties: []deploy.PropertyChange{
				{Path: "visibilityTimeoutSeconds", Kind: "update", Old: float64(30), New: float64(60)},
				{Path: "tags", Kind: "update", Old: map[string]any{"Owner": "team|a"}, New: map[string]any{"Owner": "team`b`"}},
			},
		})
	}
	return r
}

func fixtureEvents() []deploy.Event {
	ev := func(sec int, kind deploy.EventKind, op, typ, name string) deploy.Event {
		return deploy.Event{Kind: kind, Time: t0.Add(time.Duration(sec) * time.Second), Op: op, URN: urn(typ, name), Type: typ, Name: name}
	}
	withDiffs := func(e deploy.Event, diffs ...string) deploy.Event { e.Diffs = diffs; return e }
	diag := func(sec int, severity, msg, name string) deploy.Event {
		e := deploy.Event{Kind: deploy.EventDiagnostic, Time: t0.Add(time.Duration(sec) * time.Second), Severity: severity, Message: msg}
		if name != "" {
			e.URN, e.Name = urn("aws:ecs/service:Service", name), name
		}
		return e
	}
	return []deploy.Event{
		ev(0, deploy.EventStepStarted, "same", "aws:iam/role:Role", "task-role"),
		ev(0, deploy.EventStepDone, "same", "aws:iam/role:Role", "task-role"),
		ev(1, deploy.EventStepStarted, "create", "aws:ecs/cluster:Cluster", "cluster"),
		withDiffs(ev(1, deploy.EventStepStarted, "update", "aws:ecs/service:Service", "api"), "image", "tags"),
		withDiffs(ev(2, deploy.EventStepStarted, "create-replacement", "aws:rds/instance:Instance", "db"), "identifier"),
		withDiffs(ev(2, deploy.EventStepStarted, "replace", "aws:rds/instance:Instance", "db"), "identifier"),
		ev(3, deploy.EventStepStarted, "delete-replaced", "aws:rds/instance:Instance", "db"),
		ev(3, deploy.EventStepDone, "create", "aws:ecs/cluster:Cluster", "cluster"),
		withDiffs(ev(4, deploy.EventStepDone, "update", "aws:ecs/service:Service", "api"), "image", "tags"),
		ev(4, deploy.EventStepStarted, "delete", "aws:sqs/queue:Queue", "old-queue"),
		ev(4, deploy.EventStepStarted, "refresh", "aws:s3/bucket:Bucket", "assets"),
		withDiffs(ev(5, deploy.EventStepDone, "update", "aws:s3/bucket:Bucket", "assets"), "versioning"),
		ev(5, deploy.EventStepFailed, "delete", "aws:sqs/queue:Queue", "old-queue"),
		diag(5, "warning", "warning: deprecated argument \x1b[1mfoo\x1b[0m", ""),
		diag(6, "error", "error: deleting queue: AccessDenied\n  status code: 403", ""),
		diag(6, "info", "engine chatter nobody needs", ""),
		diag(6, "info", "waiting for service to reach steady state", "api"),
		{Kind: deploy.EventSummary, Time: t0.Add(7 * time.Second), Changes: map[string]int{"create": 1, "update": 1, "replace": 1, "same": 1}},
	}
}

func fixtureHistory() []deploy.Update {
	return []deploy.Update{
		{Version: 3, Kind: "update", Result: "failed", Message: "deploy v3\nsecond line", StartTime: t0.Add(2 * time.Hour), EndTime: t0.Add(2*time.Hour + 95*time.Second),
			Changes: map[string]int{"update": 1, "replace": 1}},
		{Version: 2, Kind: "refresh", Result: "succeeded", StartTime: t0.Add(time.Hour), EndTime: t0.Add(time.Hour + 4*time.Second),
			Changes: map[string]int{"same": 45}},
		{Version: 1, Kind: "update", Result: "succeeded", Message: "first | deploy", StartTime: t0, EndTime: t0.Add(12*time.Minute + 3*time.Second),
			Changes: map[string]int{"create": 45}, Config: map[string]string{"kirikae:slackWebhookUrl": "[secret]"}},
	}
}

func fixtureStacks() []StackRow {
	return []StackRow{
		{Name: "staging", Deployed: true, LastUpdate: t0, Result: "succeeded", ImageTag: "v1.4.2", Resources: 45},
		{Name: "product"},
	}
}

func fixtureConfig() ConfigReport {
	return ConfigReport{
		Stacks: []StackProblems{
			{Stack: "staging", File: "Pulumi.staging.yaml", Problems: []string{}},
			{Stack: "product", File: "Pulumi.product.yaml", Problems: []string{
				`Pulumi.product.yaml:4: kirikae:desiredCunt: unknown key (did you mean kirikae:desiredCount?)`,
				`Pulumi.product.yaml:7: kirikae:cpu: "300" is not a Fargate CPU size`,
			}},
		},
		Parity: []string{"kirikae:alertEmails is set in staging but not in product"},
	}
}

func fixtureVersion() VersionInfo {
	return VersionInfo{Kirikae: "v0.3.0", Pulumi: "3.274.1", AWSSDK: "v6.83.4", Go: "go1.26.8", PulumiCLI: "/home/dev/.kirikae/pulumi/3.274.1/pulumi"}
}
