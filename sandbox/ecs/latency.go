package ecs

import (
	"strconv"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/kirikae/kirikae/sandbox/core"
)

// Target group settings AWS applies when a group does not set them:
// HealthCheckIntervalSeconds 30 and HealthyThresholdCount 5
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html),
// deregistration_delay.timeout_seconds 300
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay).
const (
	defaultHealthInterval    = 30 * time.Second
	defaultHealthyThreshold  = 5
	defaultDeregistrationDly = 300 * time.Second
)

// steadyState is the modeled time of a service create or update until
// steady state (core.ECSSteadyState), from its target group's settings:
// the new tasks turn healthy after HealthyThresholdCount consecutive
// checks, one per interval, and on an update that starts a new deployment
// the old tasks then drain for the group's deregistration delay before ECS
// stops them
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-connection-draining.html).
// A create has no old tasks; an update that keeps the task definition and
// count starts no deployment and waits for nothing. A service without a
// target group takes the fixed figure (negative).
func steadyState(st *core.State, old, new resource.PropertyMap) time.Duration {
	tg := targetGroupOf(st, new.Mappable())
	if tg == nil {
		return -1
	}
	if old != nil && core.Str(old, "taskDefinition") == core.Str(new, "taskDefinition") &&
		old["desiredCount"].DeepEquals(new["desiredCount"]) {
		return 0
	}
	interval, healthy, drain := defaultHealthInterval, defaultHealthyThreshold, defaultDeregistrationDly
	hc, _ := tg["healthCheck"].(map[string]any)
	if l, ok := tg["healthCheck"].([]any); ok && len(l) > 0 {
		hc, _ = l[0].(map[string]any)
	}
	if f, ok := number(hc["interval"]); ok && f > 0 {
		interval = time.Duration(f) * time.Second
	}
	if f, ok := number(hc["healthyThreshold"]); ok && f > 0 {
		healthy = int(f)
	}
	if f, ok := number(tg["deregistrationDelay"]); ok && f >= 0 {
		drain = time.Duration(f) * time.Second
	}
	d := time.Duration(healthy) * interval
	if old != nil {
		d += drain
	}
	return d
}

// targetGroupOf is the stored target group the service's first load
// balancer block names, or nil.
func targetGroupOf(st *core.State, svc map[string]any) map[string]any {
	lbs, _ := svc["loadBalancers"].([]any)
	if len(lbs) == 0 {
		return nil
	}
	l, _ := lbs[0].(map[string]any)
	arn := core.StrOf(l, "targetGroupArn")
	for _, r := range st.Resources {
		if r.Type == core.TokTargetGroup && core.StrOf(r.Outputs, "arn") == arn {
			return r.Outputs
		}
	}
	return nil
}

// number reads a numeric setting stored as a number or a numeric string
// (the provider schema keeps some ELB attributes as strings).
func number(v any) (float64, bool) {
	switch t := v.(type) {
	case float64:
		return t, true
	case string:
		f, err := strconv.ParseFloat(t, 64)
		return f, err == nil
	}
	return 0, false
}
