package cloud

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// ServiceStatus reads counts and the PRIMARY deployment's task definition
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html).
func (a *AWS) ServiceStatus(ctx context.Context, cluster, service string) (ServiceStatus, error) {
	out, err := a.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{service}})
	if err != nil {
		return ServiceStatus{}, fmt.Errorf("describe ECS service %s: %w", service, err)
	}
	if len(out.Services) == 0 {
		return ServiceStatus{}, fmt.Errorf("describe ECS service %s in cluster %s: not found", service, cluster)
	}
	svc := out.Services[0]
	st := ServiceStatus{Service: service, Running: int(svc.RunningCount), Desired: int(svc.DesiredCount)}
	for _, d := range svc.Deployments {
		if aws.ToString(d.Status) == "PRIMARY" {
			st.TaskDefinition = aws.ToString(d.TaskDefinition)
		}
	}
	return st, nil
}

// AliasVersion reads an alias and its routing config
// (https://docs.aws.amazon.com/lambda/latest/api/API_GetAlias.html).
func (a *AWS) AliasVersion(ctx context.Context, function, alias string) (AliasStatus, error) {
	out, err := a.fn.GetAlias(ctx, &lambda.GetAliasInput{FunctionName: aws.String(function), Name: aws.String(alias)})
	if err != nil {
		return AliasStatus{}, fmt.Errorf("get alias %s of %s: %w", alias, function, err)
	}
	st := AliasStatus{Version: aws.ToString(out.FunctionVersion)}
	if out.RoutingConfig != nil {
		for v, w := range out.RoutingConfig.AdditionalVersionWeights {
			st.Canary, st.CanaryWeight = v, w
		}
	}
	return st, nil
}

// Alarms reads alarm states by name prefix
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html).
func (a *AWS) Alarms(ctx context.Context, prefix string) ([]Alarm, error) {
	var out []Alarm
	p := cloudwatch.NewDescribeAlarmsPaginator(a.cw, &cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("describe alarms %s*: %w", prefix, err)
		}
		for _, m := range page.MetricAlarms {
			out = append(out, Alarm{Name: aws.ToString(m.AlarmName), State: string(m.StateValue), Reason: aws.ToString(m.StateReason)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
