package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecr"
	"github.com/kirikae/kirikae/sandbox/frontdoor"
	"github.com/kirikae/kirikae/sandbox/workload"
)

// get GETs / through the front door; version is what the program that
// answered says it is ("" when none did).
func get(t *testing.T, h http.Handler, host string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/version", nil)
	req.Host = host
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var doc struct {
		Version string `json:"version"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &doc)
	return rec.Code, doc.Version
}

// blueGreen builds an ALB forwarding to two colours with the given weights,
// blue running image v1 and green v2 of the test workload, pushed to ECR:
// the programs answer, each with its version.
func blueGreen(t *testing.T, h *harness, blueWeight, greenWeight int) *live {
	h.create("aws:ecr/repository:Repository", "repo", pmap(map[string]any{"name": "app"}))
	for _, v := range []string{"v1", "v2"} {
		_, err := ecr.PushImage(h.acct, "app", v, "", program(t, v))
		require.NoError(t, err)
	}
	return blueGreenOf(t, h, blueWeight, greenWeight)
}

// blueGreenOf is blueGreen without pushing: the images are whatever the
// repository holds.
func blueGreenOf(t *testing.T, h *harness, blueWeight, greenWeight int) *live {
	lb, _ := blueGreenListener(t, h, blueWeight, greenWeight)
	return lb
}

// blueGreenListener is blueGreenOf returning the listener too.
func blueGreenListener(t *testing.T, h *harness, blueWeight, greenWeight int) (lb, listener *live) {
	lb = h.create("aws:lb/loadBalancer:LoadBalancer", "alb", pmap(map[string]any{"name": "web"}))
	tgs := map[string]string{}
	for _, c := range []struct{ color, version string }{{"blue", "v1"}, {"green", "v2"}} {
		tg := h.create("aws:lb/targetGroup:TargetGroup", c.color, pmap(map[string]any{"name": "web-" + c.color,
			"healthCheck": map[string]any{"path": "/healthz", "interval": 15, "healthyThreshold": 2}}))
		tgs[c.color] = core.Str(tg.outs, "arn")
		td := h.create(taskDefType, "td-"+c.color, pmap(map[string]any{"family": "web-" + c.color,
			"containerDefinitions": `[{"name":"app","image":"` + ecrHost(h.acct) + `app:` + c.version + `"}]`}))
		h.create("aws:ecs/service:Service", "svc-"+c.color, pmap(map[string]any{"name": "web-" + c.color,
			"taskDefinition": core.Str(td.outs, "arn"), "desiredCount": 1,
			"loadBalancers": []any{map[string]any{"targetGroupArn": tgs[c.color], "containerName": "app", "containerPort": 80}}}))
	}
	listener = h.create("aws:lb/listener:Listener", "http", forwardTo(lb, tgs, blueWeight, greenWeight))
	return lb, listener
}

// forwardTo is a port-80 listener's inputs forwarding to the blue and
// green target groups with the given weights.
func forwardTo(lb *live, tgs map[string]string, blueWeight, greenWeight int) resource.PropertyMap {
	return pmap(map[string]any{"loadBalancerArn": core.Str(lb.outs, "arn"), "port": 80,
		"defaultActions": []any{map[string]any{"type": "forward", "forward": map[string]any{"targetGroups": []any{
			map[string]any{"arn": tgs["blue"], "weight": blueWeight},
			map[string]any{"arn": tgs["green"], "weight": greenWeight},
		}}}}})
}

func TestFrontDoorFollowsALBWeightsToTaskVersion(t *testing.T) {
	h := newHarness(t)
	lb := blueGreen(t, h, 0, 100)
	handler := frontdoor.Handler(h.acct)
	code, version := get(t, handler, core.Str(lb.outs, "dnsName"))
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "v2", version, "green's program answers")
	code, version = get(t, handler, core.Str(lb.outs, "dnsName")+":80")
	assert.Equal(t, http.StatusOK, code, "port 80 is the same listener")
	assert.Equal(t, "v2", version)
	code, _ = get(t, handler, core.Str(lb.outs, "dnsName")+":8080")
	assert.Equal(t, http.StatusBadGateway, code, "no listener on 8080")
}

// Where no image can be pulled no task runs, and nothing answers in its
// place: the load balancer's own 503, as with no healthy target, and the
// service's tasks stop with CannotPullContainerError.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html#load-balancer-http-error-codes
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html
func TestFrontDoorWithoutAnImageIs503(t *testing.T) {
	h := newHarness(t)
	h.create("aws:ecr/repository:Repository", "repo", pmap(map[string]any{"name": "app"}))
	lb := blueGreenOf(t, h, 100, 0) // the repository holds no image at all
	handler := frontdoor.Handler(h.acct)
	start := time.Now()
	code, version := get(t, handler, core.Str(lb.outs, "dnsName"))
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Empty(t, version, "no program answered, so no version")
	assert.Less(t, time.Since(start), 5*time.Second, "nothing is warming: a task that cannot be pulled never starts")

	st := mustState(t, h.acct)
	ix := core.NewIndex(st)
	var td string
	for _, d := range ix[taskDefType] {
		if core.StrOf(d, "family") == "web-blue" {
			td = core.StrOf(d, "arn")
		}
	}
	spec := workload.TaskSpecOf(st, ix, td, "app")
	assert.Contains(t, spec.PullErr, "CannotPullContainerError")
	assert.Contains(t, spec.PullErr, "app:v1")
}

func TestFrontDoorSplitsTrafficByWeight(t *testing.T) {
	h := newHarness(t)
	lb := blueGreen(t, h, 90, 10)
	handler := frontdoor.Handler(h.acct)
	seen := map[string]int{}
	for range 20 {
		_, version := get(t, handler, core.Str(lb.outs, "dnsName"))
		seen[version]++
	}
	assert.Equal(t, map[string]int{"v1": 18, "v2": 2}, seen, "blue runs v1, green v2")
}

func TestFrontDoorFollowsAPIGatewayToAliasVersion(t *testing.T) {
	h := newHarness(t)
	host := lambdaAPI(t, h, map[string]any{"functionVersion": "1"})
	code, version := get(t, frontdoor.Handler(h.acct), host)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "r1", version, "the alias (version 1, built as r1), not the newest version, decides")
}

// A function whose code cannot run here (a managed runtime the sandbox
// does not have) fails its invocations: API Gateway answers 500, as for a
// function error, and nothing answers in its place.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-lambda.html
func TestFrontDoorAPIGatewayWithoutRunnableCodeIs500(t *testing.T) {
	h := newHarness(t)
	fn := h.create("aws:lambda/function:Function", "fn", function(t, "v1", map[string]any{"name": "api"}))
	alias := h.create(aliasType, "live", pmap(map[string]any{"name": "live", "functionName": "api", "functionVersion": core.Str(fn.outs, "version")}))
	api := h.create("aws:apigatewayv2/api:Api", "http", pmap(map[string]any{"protocolType": "HTTP"}))
	h.create("aws:apigatewayv2/integration:Integration", "int", pmap(map[string]any{"apiId": api.id,
		"integrationType": "AWS_PROXY", "integrationUri": core.Str(alias.outs, "invokeArn")}))
	req := httptest.NewRequest(http.MethodGet, "/version", nil)
	req.Host = api.id + ".execute-api.us-east-1.amazonaws.com"
	rec := httptest.NewRecorder()
	frontdoor.Handler(h.acct).ServeHTTP(rec, req)
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.JSONEq(t, `{"message":"Internal Server Error"}`, rec.Body.String())
}

// An origin path with no objects under it is S3's error through
// CloudFront (403 to an anonymous read of a missing key), not a version.
func TestFrontDoorServesCloudFrontOriginRelease(t *testing.T) {
	h := newHarness(t)
	d := h.create("aws:cloudfront/distribution:Distribution", "cdn", pmap(map[string]any{"enabled": true,
		"origins":              []any{map[string]any{"domainName": "b.s3.amazonaws.com", "originPath": "/releases/r42"}},
		"defaultCacheBehavior": map[string]any{}, "restrictions": map[string]any{}, "viewerCertificate": map[string]any{}}))
	code, version := get(t, frontdoor.Handler(h.acct), core.Str(d.outs, "domainName"))
	assert.Equal(t, http.StatusForbidden, code)
	assert.Empty(t, version)
}

func TestFrontDoorUnknownHostIs404(t *testing.T) {
	h := newHarness(t)
	code, _ := get(t, frontdoor.Handler(h.acct), "example.com")
	assert.Equal(t, http.StatusNotFound, code)
}

func TestListenHTTPServesTheHandler(t *testing.T) {
	h := newHarness(t)
	lb := blueGreen(t, h, 100, 0)
	addr, closer, err := frontdoor.ListenHTTP(t.Context(), h.acct)
	require.NoError(t, err)
	defer closer.Close()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+addr+"/", nil)
	require.NoError(t, err)
	req.Host = core.Str(lb.outs, "dnsName")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.JSONEq(t, `{"version":"v1"}`, string(body), "blue's program answers")
}

// A second listener (a CodeDeploy-style test listener) on another port
// has its own rules: http://DNS-NAME:PORT reaches it through the front door.
func TestFrontDoorRoutesEachListenerByPort(t *testing.T) {
	h := newHarness(t)
	lb := blueGreen(t, h, 100, 0)
	var green string
	for _, r := range h.resources("aws:lb/targetGroup:TargetGroup") {
		if r.Outputs["name"] == "web-green" {
			green, _ = r.Outputs["arn"].(string)
		}
	}
	require.NotEmpty(t, green)
	h.create("aws:lb/listener:Listener", "test", pmap(map[string]any{"loadBalancerArn": core.Str(lb.outs, "arn"), "port": 9000,
		"defaultActions": []any{map[string]any{"type": "forward", "targetGroupArn": green}}}))
	handler := frontdoor.Handler(h.acct)
	_, version := get(t, handler, core.Str(lb.outs, "dnsName"))
	assert.Equal(t, "v1", version, "production listener: blue")
	_, version = get(t, handler, core.Str(lb.outs, "dnsName")+":9000")
	assert.Equal(t, "v2", version, "test listener: green")
}
