package sandbox

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/frontdoor"
)

// These tests set AWS state apart from what a deploy asked for: the front
// door must report the state, so verification can disagree with kirikae.

func TestFrontDoorReportsTheImageTheTaskDefinitionRuns(t *testing.T) {
	h := newHarness(t)
	lb := h.create("aws:lb/loadBalancer:LoadBalancer", "alb", pmap(map[string]any{"name": "web"}))
	tg := h.create("aws:lb/targetGroup:TargetGroup", "blue", pmap(map[string]any{"name": "web-blue"}))
	// An environment variable claiming another version is only the
	// workload's configuration; ECS runs the image.
	td := h.create(taskDefType, "td", pmap(map[string]any{"family": "web",
		"containerDefinitions": `[{"name":"sidecar","image":"envoy:1.30"},` +
			`{"name":"app","image":"repo/app:v7","environment":[{"name":"KIRIKAE_VERSION","value":"v8"}]}]`}))
	h.create("aws:ecs/service:Service", "svc", pmap(map[string]any{"name": "web", "taskDefinition": core.Str(td.outs, "arn"),
		"loadBalancers": []any{map[string]any{"targetGroupArn": core.Str(tg.outs, "arn"), "containerName": "app", "containerPort": 80}}}))
	h.create("aws:lb/listener:Listener", "http", pmap(map[string]any{"loadBalancerArn": core.Str(lb.outs, "arn"),
		"defaultActions": []any{map[string]any{"type": "forward", "targetGroupArn": core.Str(tg.outs, "arn")}}}))

	code, ans := get(t, frontdoor.Handler(h.acct), core.Str(lb.outs, "dnsName"))
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "v7", ans.Version, "the image of the container behind the target group")
}

func TestImageTagOfReferences(t *testing.T) {
	for in, want := range map[string]string{
		"123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1.2": "v1.2",
		"localhost:5000/app":        "latest",
		"localhost:5000/app:v3":     "v3",
		"app@sha256:0123abcd":       "sha256:0123abcd",
		"public.ecr.aws/x/y:latest": "latest",
	} {
		assert.Equal(t, want, frontdoor.ImageTag(in), in)
	}
}

// lambdaAPI builds function api with versions 1 and 2 behind alias live
// and an HTTP API invoking the alias.
func lambdaAPI(t *testing.T, h *harness, alias map[string]any) string {
	fn := h.create("aws:lambda/function:Function", "fn", function(t, "v1", map[string]any{"name": "api"}))
	h.update(fn, function(t, "v2", map[string]any{"name": "api"}), false)
	in := map[string]any{"name": "live", "functionName": "api"}
	for k, v := range alias {
		in[k] = v
	}
	al := h.create(aliasType, "live", pmap(in))
	api := h.create("aws:apigatewayv2/api:Api", "http", pmap(map[string]any{"protocolType": "HTTP"}))
	h.create("aws:apigatewayv2/integration:Integration", "int", pmap(map[string]any{"apiId": api.id,
		"integrationType": "AWS_PROXY", "integrationUri": core.Str(al.outs, "invokeArn")}))
	return api.id + ".execute-api.us-east-1.amazonaws.com"
}

func TestFrontDoorReportsTheOldVersionWhileTheAliasStaysThere(t *testing.T) {
	h := newHarness(t)
	// A deploy published version 2 but the alias was left on version 1.
	host := lambdaAPI(t, h, map[string]any{"functionVersion": "1"})
	fns := h.resources(core.FunctionType)
	assert.Equal(t, "2", fns[0].Outputs["version"], "version 2 was published")
	_, ans := get(t, frontdoor.Handler(h.acct), host)
	assert.Equal(t, "1", ans.Version, "the alias, not the newest version, serves")
}

func TestFrontDoorFollowsAliasRoutingWeights(t *testing.T) {
	h := newHarness(t)
	host := lambdaAPI(t, h, map[string]any{"functionVersion": "1",
		"routingConfig": map[string]any{"additionalVersionWeights": map[string]any{"2": 0.1}}})
	handler := frontdoor.Handler(h.acct)
	seen := map[string]int{}
	for range 20 {
		_, ans := get(t, handler, host)
		seen[ans.Version]++
	}
	assert.Equal(t, map[string]int{"1": 18, "2": 2}, seen)
}

func TestPickWeighted(t *testing.T) {
	count := func(weights []uint64, n int) []int {
		out := make([]int, len(weights))
		for i := range n {
			out[frontdoor.PickWeighted(weights, uint64(i))]++
		}
		return out
	}
	assert.Equal(t, []int{9, 1}, count([]uint64{90, 10}, 10))
	assert.Equal(t, []int{0, 4}, count([]uint64{0, 1}, 4))
	assert.Equal(t, []int{5, 0}, count([]uint64{0, 0}, 5), "all zero: the first")
	assert.Equal(t, []int{750, 250}, count([]uint64{750, 250}, 1000))
}
