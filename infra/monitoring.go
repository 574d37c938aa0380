package infra

import (
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/stacks"
)

// monitoring is the alarm topic, its subscribers and one alarm per signal a
// release can break. The deploy layer watches the same alarms while a
// canary bakes.
type monitoring struct {
	pulumi.ResourceState

	TopicArn pulumi.StringOutput
}

// alarmTargets are the monitored components; nil ones get no alarms.
type alarmTargets struct {
	ecs      *ecsService
	lambda   *lambdaAPI
	frontend *frontend
}

// alarmSpec is one CloudWatch alarm, evaluated per minute over one period.
type alarmSpec struct {
	logical    string // logical name and physical-name suffix
	namespace  string
	metric     string
	statistic  string
	threshold  float64
	dimensions pulumi.StringMap
	// metricsRegion is where the metric is published when that is not the
	// stack's region: an alarm sees only its own region's metrics, and
	// CloudFront publishes only in us-east-1.
	metricsRegion string
}

// CloudFrontMetricsRegion is where CloudFront publishes its metrics
// ("CloudFront is a global service, and metrics are available only when
// you choose the US East (N. Virginia) Region"):
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
const CloudFrontMetricsRegion = "us-east-1"

// AlarmRegions are the regions holding the stack's alarms: its own, and
// CloudFront's metrics region when the frontend is on and the stack lives
// elsewhere. The watch reads every one of them.
func AlarmRegions(cfg stacks.Config) []string {
	if cfg.FrontendEnabled && cfg.Region != "" && cfg.Region != CloudFrontMetricsRegion {
		return []string{cfg.Region, CloudFrontMetricsRegion}
	}
	return []string{cfg.Region}
}

func newMonitoring(ctx *pulumi.Context, cfg stacks.Config, targets alarmTargets) (*monitoring, error) {
	m := &monitoring{}
	if err := ctx.RegisterComponentResource(TypeMonitoring, "monitoring", m); err != nil {
		return nil, fmt.Errorf("register monitoring: %w", err)
	}
	parent := pulumi.Parent(m)
	topic, err := sns.NewTopic(ctx, "alarms", &sns.TopicArgs{
		Name: pulumi.String(physicalName(cfg, "alarms")),
		Tags: tags(cfg),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create alarm topic: %w", err)
	}
	// Subscriptions are named by position, not address, so every stack has
	// the same names for the same number of recipients.
	for i, email := range cfg.AlertEmails {
		if _, err := sns.NewTopicSubscription(ctx, "email-"+strconv.Itoa(i), &sns.TopicSubscriptionArgs{
			Topic:    topic.Arn,
			Protocol: pulumi.String("email"),
			Endpoint: pulumi.String(email),
		}, parent); err != nil {
			return nil, fmt.Errorf("subscribe alert email: %w", err)
		}
	}
	// kirikae:webhookUrl is not subscribed: SNS delivers to an https
	// endpoint only after it confirms the subscription by visiting the
	// SubscribeURL SNS posts to it, which a generic webhook never does
	// (https://docs.aws.amazon.com/sns/latest/dg/http-subscription-confirmation-json.html).
	// kirikae posts deploy events to the webhook itself and publishes them
	// to this topic (deploy/sns.go).
	// An alarm notifies a topic of its own region only, so a region other
	// than the stack's gets a topic of the same name with the same
	// subscribers.
	// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html
	away := map[string]regionTopic{}
	for _, spec := range alarmSpecs(cfg, targets) {
		target, opts := topic.Arn, []pulumi.ResourceOption{parent}
		if r := spec.metricsRegion; r != "" && r != cfg.Region {
			rt, ok := away[r]
			if !ok {
				var err error
				if rt, err = newRegionTopic(ctx, cfg, r, parent); err != nil {
					return nil, err
				}
				away[r] = rt
			}
			target, opts = rt.arn, []pulumi.ResourceOption{parent, pulumi.Provider(rt.provider)}
		}
		if _, err := cloudwatch.NewMetricAlarm(ctx, spec.logical, &cloudwatch.MetricAlarmArgs{
			Name:               pulumi.String(physicalName(cfg, spec.logical)),
			Namespace:          pulumi.String(spec.namespace),
			MetricName:         pulumi.String(spec.metric),
			Statistic:          pulumi.String(spec.statistic),
			Dimensions:         spec.dimensions,
			Period:             pulumi.Int(60),
			EvaluationPeriods:  pulumi.Int(1),
			ComparisonOperator: pulumi.String("GreaterThanOrEqualToThreshold"),
			Threshold:          pulumi.Float64(spec.threshold),
			// No data means no traffic, which is not an outage.
			TreatMissingData: pulumi.String("notBreaching"),
			AlarmActions:     pulumi.Array{target},
			OkActions:        pulumi.Array{target},
			Tags:             tags(cfg),
		}, opts...); err != nil {
			return nil, fmt.Errorf("create alarm %s: %w", spec.logical, err)
		}
	}

	m.TopicArn = topic.Arn
	if err := ctx.RegisterResourceOutputs(m, pulumi.Map{"topicArn": m.TopicArn}); err != nil {
		return nil, fmt.Errorf("register monitoring outputs: %w", err)
	}
	return m, nil
}

// alarmSpecs lists the alarms of the monitored components.
func alarmSpecs(cfg stacks.Config, t alarmTargets) []alarmSpec {
	var specs []alarmSpec
	if t.ecs != nil {
		specs = append(specs, alarmSpec{
			logical: "alb-5xx", namespace: "AWS/ApplicationELB", metric: "HTTPCode_Target_5XX_Count",
			statistic: "Sum", threshold: float64(cfg.Alarm5xxThreshold),
			dimensions: pulumi.StringMap{"LoadBalancer": t.ecs.ALBArnSuffix},
		})
		// Per colour: the idle colour must be healthy before traffic moves
		// to it, so its health is alarmed too.
		for _, color := range []string{stacks.ColorBlue, stacks.ColorGreen} {
			specs = append(specs, alarmSpec{
				logical: "unhealthy-" + color, namespace: "AWS/ApplicationELB", metric: "UnHealthyHostCount",
				statistic: "Maximum", threshold: float64(cfg.AlarmUnhealthyThreshold),
				dimensions: pulumi.StringMap{
					"LoadBalancer": t.ecs.ALBArnSuffix,
					"TargetGroup":  t.ecs.TargetGroupSuffixes[color],
				},
			})
		}
	}
	if t.lambda != nil {
		// Alarms watch alias `live`, what API Gateway invokes: a function-wide
		// metric mixes the old version's traffic in, and the watch after a
		// switch must see the new version's errors. Lambda publishes
		// metrics per alias under the Resource dimension "function:alias"
		// (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
		fn := pulumi.StringMap{
			"FunctionName": t.lambda.FunctionName,
			"Resource":     pulumi.Sprintf("%s:%s", t.lambda.FunctionName, LiveAlias),
		}
		specs = append(specs,
			alarmSpec{
				logical: "lambda-errors", namespace: "AWS/Lambda", metric: "Errors",
				statistic: "Sum", threshold: float64(cfg.AlarmLambdaErrors), dimensions: fn,
			},
			alarmSpec{
				logical: "lambda-throttles", namespace: "AWS/Lambda", metric: "Throttles",
				statistic: "Sum", threshold: float64(cfg.AlarmLambdaThrottles), dimensions: fn,
			})
	}
	if t.frontend != nil {
		// CloudFront publishes metrics only in us-east-1 (Region=Global),
		// so the alarm lives there whatever the stack's region.
		specs = append(specs, alarmSpec{
			metricsRegion: CloudFrontMetricsRegion,
			logical:       "cloudfront-5xx", namespace: "AWS/CloudFront", metric: "5xxErrorRate",
			statistic: "Average", threshold: cfg.AlarmCloudFront5xxRate,
			dimensions: pulumi.StringMap{
				"DistributionId": t.frontend.DistributionID,
				"Region":         pulumi.String("Global"),
			},
		})
	}
	return specs
}
