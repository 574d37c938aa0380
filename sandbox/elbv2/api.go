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
	for _, svc := range ix[core.TokService] {
		registered := false
		for _, lb := range core.MapsOf(svc, "loadBalancers") {
			registered = registered || core.StrOf(lb, "targetGroupArn") == tgArn
		}
		if !registered || TargetHealth == nil {
			continue
		}
		for _, t := range TargetHealth(a, core.StrOf(svc, "id")) {
			out.TargetHealthDescriptions.Member = append(out.TargetHealthDescriptions.Member, targetHealthDescription{
				Target: targetDescription{ID: t.ID, Port: t.Port}, HealthCheckPort: strconv.Itoa(t.Port), // traffic-port: the target's own
				TargetHealth: targetHealth{State: t.State, Reason: t.Reason}})
		}
	}
	return out, nil
}

func targetGroupNotFound() error {
	return core.NotFound("TargetGroupNotFound", "One or more target groups not found")
}
