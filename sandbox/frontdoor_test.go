package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/frontdoor"
	"github.com/kirikae/kirikae/sandbox/workload"
)

func get(t *testing.T, h http.Handler, host string) (int, workload.Answer) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/health", nil)
	req.Host = host
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var ans workload.Answer
	if rec.Code == http.StatusOK || rec.Code == http.StatusServiceUnavailable {
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &ans))
	}
	return rec.Code, ans
}

// blueGreen builds an ALB forwarding to two colours with the given weights.
func blueGreen(t *testing.T, h *harness, blueWeight, greenWeight int) *live {
	// The repository holds no image yet: nothing can run, and the front
	// door answers with the tag the PRIMARY deployment's task runs.
	h.create("aws:ecr/repository:Repository", "repo", pmap(map[string]any{"name": "app"}))
	lb := h.create("aws:lb/loadBalancer:LoadBalancer", "alb", pmap(map[string]any{"name": "web"}))
	tgs := map[string]string{}
	for _, c := range []struct{ color, version string }{{"blue", "v1"}, {"green", "v2"}} {
		tg := h.create("aws:lb/targetGroup:TargetGroup", c.color, pmap(map[string]any{"name": "web-" + c.color}))
		tgs[c.color] = core.Str(tg.outs, "arn")
		td := h.create(taskDefType, "td-"+c.color, pmap(map[string]any{"family": "web-" + c.color,
			"containerDefinitions": `[{"name":"app","image":"` + ecrHost(h.acct) + `app:` + c.version + `"}]`}))
		h.create("aws:ecs/service:Service", "svc-"+c.color, pmap(map[string]any{"name": "web-" + c.color,
			"taskDefinition": core.Str(td.outs, "arn"),
			"loadBalancers":  []any{map[string]any{"targetGroupArn": tgs[c.color], "containerName": "app", "containerPort": 80}}}))
	}
	h.create("aws:lb/listener:Listener", "http", pmap(map[string]any{"loadBalancerArn": core.Str(lb.outs, "arn"), "port": 80,
		"defaultActions": []any{map[string]any{"type": "forward", "forward": map[string]any{"targetGroups": []any{
			map[string]any{"arn": tgs["blue"], "weight": blueWeight},
			map[string]any{"arn": tgs["green"], "weight": greenWeight},
		}}}}}))
	return lb
}

func TestFrontDoorFollowsALBWeightsToTaskVersion(t *testing.T) {
	h := newHarness(t)
	lb := blueGreen(t, h, 0, 100)
	handler := frontdoor.Handler(h.acct)
	code, ans := get(t, handler, core.Str(lb.outs, "dnsName"))
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, workload.Answer{Version: "v2", Color: "green"}, ans)
	code, ans = get(t, handler, core.Str(lb.outs, "dnsName")+":80")
	assert.Equal(t, http.StatusOK, code, "port 80 is the same listener")
	assert.Equal(t, "v2", ans.Version)
	code, _ = get(t, handler, core.Str(lb.outs, "dnsName")+":8080")
	assert.Equal(t, http.StatusBadGateway, code, "no listener on 8080")
}

func TestFrontDoorSplitsTrafficByWeight(t *testing.T) {
	h := newHarness(t)
	lb := blueGreen(t, h, 90, 10)
	handler := frontdoor.Handler(h.acct)
	seen := map[string]int{}
	for range 20 {
		_, ans := get(t, handler, core.Str(lb.outs, "dnsName"))
		seen[ans.Color]++
	}
	assert.Equal(t, map[string]int{"blue": 18, "green": 2}, seen)
}

func TestFrontDoorFollowsAPIGatewayToAliasVersion(t *testing.T) {
	h := newHarness(t)
	fn := h.create("aws:lambda/function:Function", "fn", function(t, "v1", map[string]any{"name": "api"}))
	h.update(fn, function(t, "v2", map[string]any{"name": "api"}), false)
	alias := h.create(aliasType, "live", pmap(map[string]any{"name": "live", "functionName": "api", "functionVersion": "1"}))
	api := h.create("aws:apigatewayv2/api:Api", "http", pmap(map[string]any{"protocolType": "HTTP"}))
	h.create("aws:apigatewayv2/integration:Integration", "int", pmap(map[string]any{"apiId": api.id,
		"integrationType": "AWS_PROXY", "integrationUri": core.Str(alias.outs, "invokeArn")}))

	code, ans := get(t, frontdoor.Handler(h.acct), api.id+".execute-api.us-east-1.amazonaws.com")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "1", ans.Version, "the alias, not the newest version, decides")
}

func TestFrontDoorServesCloudFrontOriginRelease(t *testing.T) {
	h := newHarness(t)
	d := h.create("aws:cloudfront/distribution:Distribution", "cdn", pmap(map[string]any{"enabled": true,
		"origins":              []any{map[string]any{"domainName": "b.s3.amazonaws.com", "originPath": "/releases/r42"}},
		"defaultCacheBehavior": map[string]any{}, "restrictions": map[string]any{}, "viewerCertificate": map[string]any{}}))
	_, ans := get(t, frontdoor.Handler(h.acct), core.Str(d.outs, "domainName"))
	assert.Equal(t, "r42", ans.Version)
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
	assert.JSONEq(t, `{"version":"v1","color":"blue"}`, string(body))
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
	_, ans := get(t, handler, core.Str(lb.outs, "dnsName"))
	assert.Equal(t, "blue", ans.Color, "production listener")
	_, ans = get(t, handler, core.Str(lb.outs, "dnsName")+":9000")
	assert.Equal(t, "green", ans.Color, "test listener")
}
