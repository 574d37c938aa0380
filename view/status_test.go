package view

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/deploy"
)

func fixtureStatus() *deploy.Status {
	live := fixtureRelease(6, "v2", "passed")
	ops := fixtureJournal()
	return &deploy.Status{
		Stack: "staging", Deployed: true, Live: &live,
		Colors: []deploy.ColorStatus{
			{Color: "green", Active: true, ServiceStatus: cloud.ServiceStatus{Service: "kirikae-staging-green", Running: 2, Desired: 2,
				TaskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/kirikae-staging-green:7"}},
			{Color: "blue", ServiceStatus: cloud.ServiceStatus{Service: "kirikae-staging-blue", Running: 1, Desired: 2,
				TaskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/kirikae-staging-blue:6"}},
		},
		FrontendRelease: "r2",
		Alarms: []cloud.Alarm{{Name: "kirikae-staging-alb-5xx", State: "ALARM", Reason: "Threshold Crossed"},
			{Name: "kirikae-staging-unhealthy-blue", State: "OK"}},
		Freeze:        &deploy.Freeze{Frozen: true, Reason: "audit", Who: "dev@laptop", When: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)},
		LastOperation: &ops[2],
		Problems:      []string{"get alias live of kirikae-staging: AccessDenied"},
	}
}

var cmdStatus = func(v View) error { return v.Status(fixtureStatus()) }

func init() {
	goldenCases = append(goldenCases,
		goldenCase{"human_status", human(HumanOptions{}), cmdStatus},
		goldenCase{"json_status", jsonView(JSONOptions{}), cmdStatus},
		goldenCase{"md_status", markdown(mdOpts), cmdStatus},
	)
}

func TestStatusNamesFiringAlarmsAndWhatCouldNotBeRead(t *testing.T) {
	out, _ := render(t, goldenCase{"", human(HumanOptions{}), cmdStatus})
	assert.Contains(t, out, "ALARM: kirikae-staging-alb-5xx")
	assert.Contains(t, out, "idle: 1/2 tasks running, kirikae-staging-blue:6")
	assert.Contains(t, out, "could not read:")
	assert.Contains(t, out, "frozen")
}
