package sandbox

import (
	"github.com/kirikae/kirikae/sandbox/cloudwatch"
	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/elbv2"
)

// hostCountGauges are the load balancers' host counts CloudWatch samples
// (services.go): ELB reports them from the workloads' real health checks,
// HealthyHostCount and UnHealthyHostCount per target group, under
// LoadBalancer and TargetGroup.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
func hostCountGauges(a *core.Account, st *core.State) []cloudwatch.Sample {
	var out []cloudwatch.Sample
	for _, c := range elbv2.HostCounts(a, st) {
		dims := map[string]string{"LoadBalancer": c.LoadBalancer, "TargetGroup": c.TargetGroup}
		out = append(out,
			cloudwatch.Sample{Namespace: "AWS/ApplicationELB", Metric: "HealthyHostCount", Dims: dims, Value: float64(c.Healthy)},
			cloudwatch.Sample{Namespace: "AWS/ApplicationELB", Metric: "UnHealthyHostCount", Dims: dims, Value: float64(c.Unhealthy)})
	}
	return out
}

// recordThrottle counts a request Lambda's Invoke throttled, under the
// function and the version or alias it named (Resource), as Lambda
// publishes Throttles.
// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
func recordThrottle(a *core.Account, function, qualifier string) {
	dims := map[string]string{"FunctionName": function}
	if qualifier != "" {
		dims["Resource"] = function + ":" + qualifier
	}
	cloudwatch.Record(a, "AWS/Lambda", "Throttles", dims)
}
