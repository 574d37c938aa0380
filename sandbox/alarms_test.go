package sandbox

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

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
// distribution answered with a 5xx: a release answering 503 puts an
// alarm like kirikae's cloudfront-5xx (Average ≥ 10 %) in ALARM at its
// next evaluation; one 5xx among twenty answers (5 %) does not.
func TestCloudFront5xxRateTripsItsAlarm(t *testing.T) {
	h := newHarness(t)
	host := site(t, h, nil)
	d := h.resources("aws:cloudfront/distribution:Distribution")
	require.Len(t, d, 1)
	// A five-minute period lasts 3 s on this clock, and the alarm is
	// evaluated every second: every request below is in one period.
	t.Setenv("KIRIKAE_SANDBOX_TIME_SCALE", "0.01")
	h.create(core.TokAlarm, "cf", pmap(map[string]any{"name": "web-cloudfront-5xx", "namespace": "AWS/CloudFront",
		"metricName": "5xxErrorRate", "statistic": "Average", "period": 300, "evaluationPeriods": 1, "threshold": 10,
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
	require.Eventually(t, func() bool { return alarmState(t, c, "web-cloudfront-5xx").State == "ALARM" },
		5*time.Second, 50*time.Millisecond, "4 of 23 requests")
	assert.Contains(t, alarmState(t, c, "web-cloudfront-5xx").Reason, "[17.3")
}

// A function whose reserved concurrency is 0 is throttled on every
// request: API Gateway answers 500, Lambda counts Throttles (kirikae's
// lambda-throttles alarm fires) and no invocation, so no Errors.
func TestReservedConcurrencyThrottlesAndTripsTheAlarm(t *testing.T) {
	h := newHarness(t)
	zipPath := shellBootstrap(t, "#!/bin/sh\nexit 3\n")

	fn := appFunction(t, zipPath)
	fn["reservedConcurrentExecutions"] = resource.NewNumberProperty(0)
	h.create(core.FunctionType, "fn", fn)
	alias := h.create(aliasType, "live", pmap(map[string]any{"name": "live", "functionName": "api", "functionVersion": "1"}))
	api := h.create("aws:apigatewayv2/api:Api", "http", pmap(map[string]any{"protocolType": "HTTP"}))
	h.create("aws:apigatewayv2/integration:Integration", "int", pmap(map[string]any{"apiId": api.id,
		"integrationType": "AWS_PROXY", "integrationUri": core.Str(alias.outs, "invokeArn"), "payloadFormatVersion": "2.0"}))
	dims := map[string]any{"FunctionName": "api", "Resource": "api:live"}
	for _, metric := range []string{"Throttles", "Errors"} {
		h.create(core.TokAlarm, metric, pmap(map[string]any{"name": "api-lambda-" + metric, "namespace": "AWS/Lambda",
			"metricName": metric, "statistic": "Sum", "period": 60, "evaluationPeriods": 1, "threshold": 1,
			"comparisonOperator": "GreaterThanOrEqualToThreshold", "treatMissingData": "notBreaching", "dimensions": dims}))
	}

	code, body := served(t, frontdoor.Handler(h.acct), api.id+".execute-api.us-east-1.amazonaws.com", "/api/hello")
	assert.Equal(t, http.StatusInternalServerError, code, body)
	c := h.cloud()
	got := alarmState(t, c, "api-lambda-Throttles")
	assert.Equal(t, "ALARM", got.State, got.Reason)
	assert.Equal(t, "OK", alarmState(t, c, "api-lambda-Errors").State, "a throttled request is no invocation")

	// Lambda's own Invoke refuses it too: 429 TooManyRequestsException.
	_, err := c.Invoke(t.Context(), "api", "live", []byte(`{}`))
	var tooMany *lambdatypes.TooManyRequestsException
	require.ErrorAs(t, err, &tooMany)
	assert.Contains(t, err.Error(), "ReservedFunctionConcurrentInvocationLimitExceeded")
}

// HTTPCode_Target_5XX_Count counts what the targets answered: a release
// whose /api answers 500 puts the load balancer's 5xx alarm (Sum ≥ 5) in
// ALARM at the evaluation after its fifth 500, not before.
func TestAlarmFromServed5xx(t *testing.T) {
	h := newHarness(t)
	s := newECSStack(t, h, "")
	_, err := ecr.PushImage(h.acct, "app", "v5-api500", "", program(t, "v5-api500"))
	require.NoError(t, err)
	s.deploy("app:v5-api500")
	// A five-minute period lasts 3 s on this clock, and the alarm is
	// evaluated every second: every request below is in one period.
	t.Setenv("KIRIKAE_SANDBOX_TIME_SCALE", "0.01")
	h.create(core.TokAlarm, "alb-5xx", pmap(map[string]any{"name": "web-alb-5xx", "namespace": "AWS/ApplicationELB",
		"metricName": "HTTPCode_Target_5XX_Count", "statistic": "Sum", "period": 300, "evaluationPeriods": 1,
		"threshold": 5, "comparisonOperator": "GreaterThanOrEqualToThreshold", "treatMissingData": "notBreaching",
		"dimensions": map[string]any{"LoadBalancer": core.Str(s.lb.outs, "arnSuffix")}}))
	c := h.cloud()
	assert.Equal(t, "OK", alarmState(t, c, "web-alb-5xx").State, "nothing failed yet")

	front := frontdoor.Handler(h.acct)
	host := core.Str(s.lb.outs, "dnsName")
	code, _ := served(t, front, host, "/healthz")
	require.Equal(t, http.StatusOK, code, "the release passes its health check")
	for range 4 {
		code, _ = served(t, front, host, "/api/hello")
		require.Equal(t, http.StatusInternalServerError, code)
	}
	time.Sleep(1100 * time.Millisecond) // the alarm's next evaluation
	got := alarmState(t, c, "web-alb-5xx")
	assert.Equal(t, "OK", got.State, "4 is below the threshold of 5: %s", got.Reason)
	assert.Contains(t, got.Reason, "[4]")
	served(t, front, host, "/api/hello")
	time.Sleep(1100 * time.Millisecond)
	got = alarmState(t, c, "web-alb-5xx")
	assert.Equal(t, "ALARM", got.State, got.Reason)
}

// Alarms are regional: DescribeAlarms lists the alarms of the region the
// request is signed for, so a stack reading its own region does not see
// the CloudFront alarm it keeps in us-east-1, nor does us-east-1 see the
// stack's.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#CloudWatchRegions
func TestDescribeAlarmsListsTheSignedRegionsAlarms(t *testing.T) {
	h := newHarness(t)
	alarm := func(name string) resource.PropertyMap {
		return pmap(map[string]any{"name": name, "namespace": "AWS/CloudFront", "metricName": "5xxErrorRate",
			"statistic": "Average", "period": 60, "evaluationPeriods": 1, "threshold": 1,
			"comparisonOperator": "GreaterThanOrEqualToThreshold"})
	}
	h.create(core.TokAlarm, "cf", alarm("web-cloudfront-5xx"))
	h.inRegion("eu-west-1").create(core.TokAlarm, "alb", alarm("web-alb-5xx"))

	ep := serve(t, h.acct)
	names := func(region string) []string {
		c := cloud.NewAt(cloud.Endpoint{URL: ep.URL, Region: region, AccessKeyID: core.AccessKeyID, SecretAccessKey: core.SecretAccessKey})
		alarms, err := c.Alarms(t.Context(), "web-")
		require.NoError(t, err)
		var out []string
		for _, a := range alarms {
			out = append(out, a.Name)
		}
		return out
	}
	assert.Equal(t, []string{"web-cloudfront-5xx"}, names("us-east-1"))
	assert.Equal(t, []string{"web-alb-5xx"}, names("eu-west-1"))
}
