package sandbox

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecr"
	"github.com/kirikae/kirikae/sandbox/frontdoor"
)

// alarmState reads one alarm through kirikae's data plane (DescribeAlarms).
func alarmState(t *testing.T, c cloud.Cloud, name string) cloud.Alarm {
	t.Helper()
	alarms, err := c.Alarms(t.Context(), name)
	require.NoError(t, err)
	require.Len(t, alarms, 1)
	return alarms[0]
}

// UnHealthyHostCount per target group comes from the tasks' real health
// checks: a program failing its health check puts the target group's
// alarm (Maximum ≥ 1, as kirikae's unhealthy-<colour>) in ALARM, and a
// release that answers it brings the alarm back to OK by itself.
func TestUnhealthyHostsTripTheTargetGroupAlarm(t *testing.T) {
	h := newHarness(t)
	s := newECSStack(t, h, "")
	for _, v := range []string{"v1", "v3-unhealthy"} {
		_, err := ecr.PushImage(h.acct, "app", v, "", program(t, v))
		require.NoError(t, err)
	}
	dims := map[string]any{"LoadBalancer": core.Str(s.lb.outs, "arnSuffix"), "TargetGroup": core.Str(s.tg.outs, "arnSuffix")}
	h.create(core.TokAlarm, "unhealthy", pmap(map[string]any{"name": "web-unhealthy-blue", "namespace": "AWS/ApplicationELB",
		"metricName": "UnHealthyHostCount", "statistic": "Maximum", "period": 60, "evaluationPeriods": 1, "threshold": 1,
		"comparisonOperator": "GreaterThanOrEqualToThreshold", "treatMissingData": "notBreaching", "dimensions": dims}))
	h.create(core.TokAlarm, "healthy", pmap(map[string]any{"name": "web-healthy-blue", "namespace": "AWS/ApplicationELB",
		"metricName": "HealthyHostCount", "statistic": "Minimum", "period": 60, "evaluationPeriods": 1, "threshold": 1,
		"comparisonOperator": "LessThanThreshold", "treatMissingData": "notBreaching", "dimensions": dims}))
	c := h.cloud()
	assert.Equal(t, "OK", alarmState(t, c, "web-unhealthy-blue").State, "no target yet")

	in := s.serviceInputs(s.taskDef(ecrHost(h.acct) + "app:v3-unhealthy"))
	delete(in, "deploymentCircuitBreaker")
	in["waitForSteadyState"] = false
	s.svc = h.create(core.TokService, "svc", pmap(in))
	require.Eventually(t, func() bool { return alarmState(t, c, "web-unhealthy-blue").State == "ALARM" },
		90*time.Second, 200*time.Millisecond, "the failing program's target counts as unhealthy")
	assert.Contains(t, alarmState(t, c, "web-unhealthy-blue").Reason, "Threshold Crossed")
	assert.Equal(t, "ALARM", alarmState(t, c, "web-healthy-blue").State, "no healthy host")

	in["taskDefinition"] = s.taskDef(ecrHost(h.acct) + "app:v1")
	s.svc = h.update(s.svc, pmap(in), false)
	require.Eventually(t, func() bool {
		return alarmState(t, c, "web-unhealthy-blue").State == "OK" && alarmState(t, c, "web-healthy-blue").State == "OK"
	}, 90*time.Second, 200*time.Millisecond, "the answering program's target is healthy, the failing one stopped")
}

// CloudFront's 5xxErrorRate is the share of the viewer requests the
// distribution answered with a 5xx: a release answering 503 puts
// kirikae's cloudfront-5xx alarm (Average ≥ 10 %) in ALARM; one 5xx among
// twenty answers (5 %) does not.
func TestCloudFront5xxRateTripsItsAlarm(t *testing.T) {
	h := newHarness(t)
	host := site(t, h, nil)
	d := h.resources("aws:cloudfront/distribution:Distribution")
	require.Len(t, d, 1)
	h.create(core.TokAlarm, "cf", pmap(map[string]any{"name": "web-cloudfront-5xx", "namespace": "AWS/CloudFront",
		"metricName": "5xxErrorRate", "statistic": "Average", "period": 60, "evaluationPeriods": 1, "threshold": 10,
		"comparisonOperator": "GreaterThanOrEqualToThreshold", "treatMissingData": "notBreaching",
		"dimensions": map[string]any{"DistributionId": d[0].ID, "Region": "Global"}}))
	c := h.cloud()
	handler := frontdoor.Handler(h.acct)

	require.NoError(t, frontdoor.MarkUnhealthy(h.acct, "r2"))
	require.Equal(t, http.StatusServiceUnavailable, fetch(t, handler, host, "/").Code)
	require.NoError(t, frontdoor.MarkHealthy(h.acct, "r2"))
	for range 19 {
		require.Equal(t, http.StatusOK, fetch(t, handler, host, "/").Code)
	}
	assert.Equal(t, "OK", alarmState(t, c, "web-cloudfront-5xx").State, "5 %% of the requests")

	require.NoError(t, frontdoor.MarkUnhealthy(h.acct, "r2"))
	for range 3 {
		require.Equal(t, http.StatusServiceUnavailable, fetch(t, handler, host, "/").Code)
	}
	got := alarmState(t, c, "web-cloudfront-5xx")
	assert.Equal(t, "ALARM", got.State, "4 of 23 requests: %s", got.Reason)
}
