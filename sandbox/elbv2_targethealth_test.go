package sandbox

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecr"
)

// targetStates asks the AWS CLI for the target group's target health.
func targetStates(t *testing.T, ep *Endpoint, tg string) []string {
	t.Helper()
	got := awsJSON(t, ep, "elbv2", "describe-target-health", "--target-group-arn", tg)
	var states []string
	for _, d := range got["TargetHealthDescriptions"].([]any) {
		states = append(states, d.(map[string]any)["TargetHealth"].(map[string]any)["State"].(string))
	}
	return states
}

// describe-target-health reports what the health checks of the running
// tasks found: a program that answers its health check turns healthy, one
// that fails it turns unhealthy; nothing is computed from the deploy.
func TestDescribeTargetHealthReportsTheRealHealthChecks(t *testing.T) {
	needAWSCLI(t)
	h := newHarness(t)
	s := newECSStack(t, h, "")
	for _, v := range []string{"v1", "v3-unhealthy"} {
		_, err := ecr.PushImage(h.acct, "app", v, "", program(t, v))
		require.NoError(t, err)
	}
	ep := serve(t, h.acct)
	tg := core.Str(s.tg.outs, "arn")

	td := s.taskDef(ecrHost(h.acct) + "app:v3-unhealthy")
	in := s.serviceInputs(td)
	delete(in, "deploymentCircuitBreaker")
	in["waitForSteadyState"] = false
	s.svc = h.create(core.TokService, "svc", pmap(in))
	require.Eventually(t, func() bool {
		for _, st := range targetStates(t, ep, tg) {
			if st == "unhealthy" {
				return true
			}
		}
		return false
	}, 90*time.Second, time.Second, "the failing program's target turns unhealthy")

	in["taskDefinition"] = s.taskDef(ecrHost(h.acct) + "app:v1")
	s.svc = h.update(s.svc, pmap(in), false)
	require.Eventually(t, func() bool {
		for _, st := range targetStates(t, ep, tg) {
			if st == "healthy" {
				return true
			}
		}
		return false
	}, 90*time.Second, time.Second, "the answering program's target turns healthy")
}
