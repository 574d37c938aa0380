package sandbox

import (
	"net/http"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecr"
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
	h.create("aws:ecr/repository:Repository", "repo", pmap(map[string]any{"name": "app"}))
	_, err := ecr.PushImage(h.acct, "app", "v7", "", program(t, "v7"))
	require.NoError(t, err)
	td := h.create(taskDefType, "td", pmap(map[string]any{"family": "web",
		"containerDefinitions": `[{"name":"sidecar","image":"envoy:1.30"},` +
			`{"name":"app","image":"` + ecrHost(h.acct) + `app:v7","environment":[{"name":"KIRIKAE_VERSION","value":"v8"}]}]`}))
	h.create("aws:ecs/service:Service", "svc", pmap(map[string]any{"name": "web", "taskDefinition": core.Str(td.outs, "arn"), "desiredCount": 1,
		"loadBalancers": []any{map[string]any{"targetGroupArn": core.Str(tg.outs, "arn"), "containerName": "app", "containerPort": 80}}}))
	h.create("aws:lb/listener:Listener", "http", pmap(map[string]any{"loadBalancerArn": core.Str(lb.outs, "arn"),
		"defaultActions": []any{map[string]any{"type": "forward", "targetGroupArn": core.Str(tg.outs, "arn")}}}))

	code, version := get(t, frontdoor.Handler(h.acct), core.Str(lb.outs, "dnsName"))
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "v7", version, "the image of the container behind the target group runs")
}

// lambdaAPI builds function api with versions 1 and 2 (the example app
// built as r1 and r2) behind alias live and an HTTP API invoking the alias.
func lambdaAPI(t *testing.T, h *harness, alias map[string]any) string {
	dir := t.TempDir()
	r1, r2 := filepath.Join(dir, "r1.zip"), filepath.Join(dir, "r2.zip")
	buildLambda(t, "r1", r1)
	buildLambda(t, "r2", r2)
	fn := h.create("aws:lambda/function:Function", "fn", appFunction(t, r1))
	h.update(fn, appFunction(t, r2), false)
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
	_, version := get(t, frontdoor.Handler(h.acct), host)
	assert.Equal(t, "r1", version, "the alias (version 1, r1), not the newest version, serves")
}

func TestFrontDoorFollowsAliasRoutingWeights(t *testing.T) {
	h := newHarness(t)
	host := lambdaAPI(t, h, map[string]any{"functionVersion": "1",
		"routingConfig": map[string]any{"additionalVersionWeights": map[string]any{"2": 0.1}}})
	handler := frontdoor.Handler(h.acct)
	seen := map[string]int{}
	for range 20 {
		_, version := get(t, handler, host)
		seen[version]++
	}
	assert.Equal(t, map[string]int{"r1": 18, "r2": 2}, seen, "version 1 runs r1, version 2 r2")
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
