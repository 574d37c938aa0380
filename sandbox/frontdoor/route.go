package frontdoor

import (
	"fmt"
	"math"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/elbv2"
	"github.com/kirikae/kirikae/sandbox/lambda"
	"github.com/kirikae/kirikae/sandbox/workload"
)

// routeALB follows what AWS routes: the listener on the request's port →
// weighted target groups → the ECS services registered with the chosen
// group, whose healthy tasks answer (frontdoor/proxy.go). A service whose
// image cannot be pulled runs no task, and the load balancer answers 503
// as it does for a target group with no registered target.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#forward-actions
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html#load-balancer-http-error-codes
func routeALB(st *core.State, ix core.Index, lb map[string]any, port string, n uint64) (workload.Routed, error) {
	arn, _ := lb["arn"].(string)
	listener, err := pickListener(ix.Find("aws:lb/listener:Listener", "loadBalancerArn", arn), port)
	if err != nil {
		return workload.Routed{}, fmt.Errorf("load balancer %s: %w", arn, err)
	}
	tg, err := pickTargetGroup(elbv2.RoutingActions(st, listener, n, time.Now()), n)
	if err != nil {
		return workload.Routed{}, fmt.Errorf("listener %s %w", listener["arn"], err)
	}
	rt := workload.Routed{Kind: workload.KindALB, LbArn: arn, TargetGroup: tg, LbSuffix: core.StrOf(lb, "arnSuffix")}
	for _, g := range ix.Find("aws:lb/targetGroup:TargetGroup", "arn", tg) {
		rt.TgSuffix = core.StrOf(g, "arnSuffix")
	}
	for _, svc := range ix["aws:ecs/service:Service"] {
		lbs, _ := svc["loadBalancers"].([]any)
		for _, l := range lbs {
			l, _ := l.(map[string]any)
			if l["targetGroupArn"] != tg {
				continue
			}
			id, _ := svc["id"].(string)
			rt.Services = append(rt.Services, id)
		}
	}
	return rt, nil
}

// pickListener returns the listener on port. The front door has one local
// address for every load balancer, so the port travels in the Host header
// (http://DNS-NAME:PORT/ reaches the listener on PORT); without one, a
// client meant the scheme's default port: 80, or 443 when port 80 only
// redirects there (the front door speaks plain HTTP to either).
func pickListener(listeners []map[string]any, port string) (map[string]any, error) {
	if len(listeners) == 0 {
		return nil, fmt.Errorf("no listener")
	}
	byPort := func(p string) map[string]any {
		for _, l := range listeners {
			if fmt.Sprint(l["port"]) == p {
				return l
			}
		}
		return nil
	}
	if port != "" {
		if l := byPort(port); l != nil {
			return l, nil
		}
		return nil, fmt.Errorf("no listener on port %s", port)
	}
	if l := byPort("80"); l != nil && forwards(l) {
		return l, nil
	}
	if l := byPort("443"); l != nil {
		return l, nil
	}
	for _, l := range listeners {
		if forwards(l) {
			return l, nil
		}
	}
	return listeners[0], nil
}

func forwards(listener map[string]any) bool {
	actions, _ := listener["defaultActions"].([]any)
	for _, a := range actions {
		a, _ := a.(map[string]any)
		if a["type"] == "forward" || a["targetGroupArn"] != nil || a["forward"] != nil {
			return true
		}
	}
	return false
}

// pickTargetGroup spreads requests over the forward weights with a request
// counter, so a 90/10 split serves exactly one in ten requests from the
// lighter group, reproducibly.
func pickTargetGroup(actions []any, n uint64) (string, error) {
	for _, a := range actions {
		a, _ := a.(map[string]any)
		if arn, _ := a["targetGroupArn"].(string); arn != "" {
			return arn, nil
		}
		fwd, _ := a["forward"].(map[string]any)
		groups, _ := fwd["targetGroups"].([]any)
		var arns []string
		var weights []uint64
		for _, g := range groups {
			g, _ := g.(map[string]any)
			w, ok := g["weight"].(float64)
			if !ok {
				w = 1 // AWS's default weight
			}
			arn, _ := g["arn"].(string)
			arns, weights = append(arns, arn), append(weights, uint64(w))
		}
		if len(arns) == 0 {
			continue
		}
		return arns[PickWeighted(weights, n)], nil
	}
	return "", fmt.Errorf("does not forward to a target group")
}

// PickWeighted returns the index the nth request goes to, spreading
// requests over the weights with a counter so a 90/10 split serves exactly
// one in ten requests from the lighter side, reproducibly. All-zero
// weights send everything to the first.
func PickWeighted(weights []uint64, n uint64) int {
	var total, g uint64
	for _, w := range weights {
		total += w
		g = gcd(g, w)
	}
	if total == 0 {
		return 0
	}
	// Reducing by the gcd keeps the cycle short: 90/10 repeats every ten
	// requests instead of every hundred.
	slot := n % (total / g)
	for i, w := range weights {
		if slot < w/g {
			return i
		}
		slot -= w / g
	}
	return 0
}

// routeAPI follows the API's integration to the Lambda version it invokes:
// through an alias, the version the alias points at right now, or with
// weighted routing one of its versions. The version's deployment package
// runs (frontdoor/proxy.go); a version whose code cannot run here fails as
// an invocation does, and API Gateway answers 500.
func routeAPI(st *core.State, ix core.Index, api map[string]any, n uint64) (workload.Routed, error) {
	id, _ := api["id"].(string)
	ints := ix.Find("aws:apigatewayv2/integration:Integration", "apiId", id)
	if len(ints) == 0 {
		return workload.Routed{}, fmt.Errorf("API %s has no integration", api["id"])
	}
	uri, _ := ints[0]["integrationUri"].(string)
	rt := workload.Routed{Kind: workload.KindAPI}
	for _, al := range ix[core.TokAlias] {
		if uri == al["arn"] || uri == al["invokeArn"] {
			rt.Version, rt.Alias = aliasVersion(al, n), core.StrOf(al, "name")
			rt.Function = lambda.FunctionName(core.StrOf(al, "functionName"))
		}
	}
	if rt.Function == "" {
		for _, fn := range ix["aws:lambda/function:Function"] {
			switch uri {
			case fn["qualifiedArn"], fn["qualifiedInvokeArn"]:
				rt.Function, rt.Version = core.StrOf(fn, "name"), core.StrOf(fn, "version")
			case fn["arn"], fn["invokeArn"]:
				rt.Function, rt.Version = core.StrOf(fn, "name"), "$LATEST"
			}
		}
	}
	if rt.Function == "" {
		return workload.Routed{}, fmt.Errorf("integration %s targets %q, which is not a simulated function or alias", ints[0]["id"], uri)
	}
	workload.LambdaTarget(st, ix, &rt)
	return rt, nil
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// aliasVersion is the version the nth invocation through the alias runs:
// additionalVersionWeights sends that fraction of invocations to a second
// version, the rest go to functionVersion.
// https://docs.aws.amazon.com/lambda/latest/dg/configuring-alias-routing.html
func aliasVersion(al map[string]any, n uint64) string {
	primary, _ := al["functionVersion"].(string)
	versions, weights := []string{primary}, []uint64{1000}
	for v, w := range lambda.AliasWeights(al) {
		share := uint64(math.Round(w * 1000))
		if share == 0 || share > 1000 {
			continue
		}
		versions, weights = append(versions, v), append(weights, share)
		weights[0] -= min(share, weights[0])
	}
	return versions[PickWeighted(weights, n)]
}
