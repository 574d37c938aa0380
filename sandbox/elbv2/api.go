package elbv2

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/kirikae/kirikae/sandbox/core"
)

const xmlns = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"

// Target is one registered target of a target group and its health, as
// the layer running the targets (package workload) reports it.
type Target struct {
	ID     string
	Port   int
	State  string // initial, healthy, unhealthy, draining…
	Reason string // a reason code when not healthy
}

// TargetHealth reports the targets the ECS service (by id) registers; the
// top layer sets it: ELB itself runs no programs.
var TargetHealth func(a *core.Account, serviceID string) []Target

// Serve answers the ELBv2 Describe calls over the awsQuery protocol
// (api_describe.go).
func Serve(a *core.Account, w http.ResponseWriter, r *http.Request) {
	a.ServeQuery(w, r, xmlns, map[string]core.QueryOp{
		"DescribeLoadBalancers": describeLoadBalancers,
		"DescribeListeners":     describeListeners,
		"DescribeRules":         describeRules,
		"DescribeTargetGroups":  describeTargetGroups,
		"DescribeTargetHealth": func(st *core.State, form url.Values) (any, error) {
			return describeTargetHealth(a, st, form)
		},
	})
}

type targetDescription struct {
	ID   string `xml:"Id"`
	Port int
}

type targetHealth struct {
	State  string
	Reason string `xml:",omitempty"`
}

type targetHealthDescription struct {
	Target          targetDescription
	HealthCheckPort string
	TargetHealth    targetHealth
}

// describeTargetHealth reports the real health-check results of the tasks
// of the ECS services registered with the target group.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTargetHealth.html
func describeTargetHealth(a *core.Account, st *core.State, form url.Values) (any, error) {
	tgArn := form.Get("TargetGroupArn")
	ix := core.NewIndex(st)
	if len(core.Filter(ix[core.TokTargetGroup], "arn", []string{tgArn})) == 0 {
		return nil, targetGroupNotFound()
	}
	var out struct {
		TargetHealthDescriptions core.Members[targetHealthDescription]
	}
	for _, t := range targetsOf(a, ix, tgArn) {
		out.TargetHealthDescriptions.Member = append(out.TargetHealthDescriptions.Member, targetHealthDescription{
			Target: targetDescription{ID: t.ID, Port: t.Port}, HealthCheckPort: strconv.Itoa(t.Port), // traffic-port: the target's own
			TargetHealth: targetHealth{State: t.State, Reason: t.Reason}})
	}
	return out, nil
}

// targetsOf are the targets of the ECS services registered with tgArn.
func targetsOf(a *core.Account, ix core.Index, tgArn string) []Target {
	var out []Target
	for _, svc := range ix[core.TokService] {
		registered := false
		for _, lb := range core.MapsOf(svc, "loadBalancers") {
			registered = registered || core.StrOf(lb, "targetGroupArn") == tgArn
		}
		if registered && TargetHealth != nil {
			out = append(out, TargetHealth(a, core.StrOf(svc, "id"))...)
		}
	}
	return out
}

// HostCount is one target group's HealthyHostCount and UnHealthyHostCount
// behind one load balancer, under the CloudWatch dimensions LoadBalancer
// and TargetGroup (their ARN suffixes). A target still in its initial
// health checks, or draining, is neither.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
type HostCount struct {
	LoadBalancer, TargetGroup string
	Healthy, Unhealthy        int
}

// HostCounts counts the targets of every target group a load balancer's
// listener forwards to, from their real health checks.
func HostCounts(a *core.Account, st *core.State) []HostCount {
	ix := core.NewIndex(st)
	var out []HostCount
	for _, tg := range ix[core.TokTargetGroup] {
		arn := core.StrOf(tg, "arn")
		lbs := loadBalancersOf(ix, arn)
		if len(lbs) == 0 {
			continue // no listener forwards to it: no LoadBalancer to report under
		}
		var c HostCount
		for _, t := range targetsOf(a, ix, arn) {
			switch t.State {
			case "healthy":
				c.Healthy++
			case "unhealthy":
				c.Unhealthy++
			}
		}
		for _, lb := range lbs {
			for _, l := range ix.Find(core.TokLoadBalancer, "arn", lb) {
				out = append(out, HostCount{LoadBalancer: core.StrOf(l, "arnSuffix"), TargetGroup: core.StrOf(tg, "arnSuffix"),
					Healthy: c.Healthy, Unhealthy: c.Unhealthy})
			}
		}
	}
	return out
}

func targetGroupNotFound() error {
	return core.NotFound("TargetGroupNotFound", "One or more target groups not found")
}
