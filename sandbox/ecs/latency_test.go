package ecs

import (
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"

	"github.com/kirikae/kirikae/sandbox/core"
)

// A service's steady-state wait is its target group's: the health checks
// that make a new task healthy, then, on an update, the old tasks'
// deregistration delay — the group's own attribute, AWS's defaults when
// it sets none.
func TestSteadyStateFollowsTheTargetGroup(t *testing.T) {
	st := core.NewState()
	st.Resources["short"] = &core.Record{Resource: core.Resource{Type: core.TokTargetGroup, Outputs: map[string]any{
		"arn": "tg-short", "deregistrationDelay": 10.0,
		"healthCheck": map[string]any{"interval": 15.0, "healthyThreshold": 2.0}}}}
	st.Resources["default"] = &core.Record{Resource: core.Resource{Type: core.TokTargetGroup, Outputs: map[string]any{"arn": "tg-default"}}}
	svc := func(tg, td string) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{"taskDefinition": td, "desiredCount": 1.0,
			"loadBalancers": []any{map[string]any{"targetGroupArn": tg}}})
	}
	assert.Equal(t, 30*time.Second, steadyState(st, nil, svc("tg-short", "td:1")), "a create: two checks 15 s apart, nothing to drain")
	assert.Equal(t, 40*time.Second, steadyState(st, svc("tg-short", "td:1"), svc("tg-short", "td:2")), "and the old tasks drain 10 s")
	assert.Equal(t, 450*time.Second, steadyState(st, svc("tg-default", "td:1"), svc("tg-default", "td:2")), "AWS's defaults: 5 × 30 s + 300 s")
	assert.Zero(t, steadyState(st, svc("tg-short", "td:2"), svc("tg-short", "td:2")), "no new deployment, nothing to wait for")
	assert.Negative(t, steadyState(st, nil, resource.NewPropertyMapFromMap(map[string]any{"taskDefinition": "td:1"})),
		"without a target group: the fixed figure")
}
