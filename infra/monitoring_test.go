package infra

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/stacks"
)

const typeAlarm = "aws:cloudwatch/metricAlarm:MetricAlarm"

// alarms maps each alarm's logical name to its inputs.
func alarms(m *mocks) map[string]recorded {
	out := map[string]recorded{}
	for _, r := range m.ofType(typeAlarm) {
		out[r.Name] = r
	}
	return out
}

func TestEveryAlarmNotifiesTheTopic(t *testing.T) {
	for name, cfg := range variants(t) {
		t.Run(name, func(t *testing.T) {
			m := run(t, cfg)
			got := alarms(m)
			require.NotEmpty(t, got)
			for n, a := range got {
				// The CloudFront alarm lives in us-east-1 and notifies the
				// topic there (TestCloudFrontAlarmLivesWhereCloudFrontPublishes).
				name := "alarms"
				if n == "cloudfront-5xx" && cfg.Region != "us-east-1" {
					name = "alarms-us-east-1"
				}
				topic := str(t, m.one(t, "aws:sns/topic:Topic", name).Outputs, "arn")
				assert.Equal(t, []string{topic}, strs(t, a.Inputs, "alarmActions"), n)
				assert.Equal(t, []string{topic}, strs(t, a.Inputs, "okActions"), n)
				assert.Equal(t, "GreaterThanOrEqualToThreshold", str(t, a.Inputs, "comparisonOperator"), n)
				assert.Equal(t, "api-staging-"+n, str(t, a.Inputs, "name"))
			}
		})
	}
}

func TestECSAlarms(t *testing.T) {
	m := run(t, testConfig(stacks.BackendECS))
	got := alarms(m)
	assert.ElementsMatch(t, []string{"alb-5xx", "unhealthy-blue", "unhealthy-green", "cloudfront-5xx"}, keysOf(got))
	alb := str(t, m.one(t, "aws:lb/loadBalancer:LoadBalancer", "alb").Outputs, "arnSuffix")

	fivexx := got["alb-5xx"].Inputs
	assert.Equal(t, "HTTPCode_Target_5XX_Count", str(t, fivexx, "metricName"))
	assert.Equal(t, "AWS/ApplicationELB", str(t, fivexx, "namespace"))
	assert.Equal(t, float64(5), at(t, fivexx, "threshold").NumberValue())
	assert.Equal(t, alb, str(t, fivexx, "dimensions", "LoadBalancer"))

	for _, color := range []string{"blue", "green"} {
		a := got["unhealthy-"+color].Inputs
		assert.Equal(t, "UnHealthyHostCount", str(t, a, "metricName"))
		assert.Equal(t, float64(1), at(t, a, "threshold").NumberValue())
		assert.Equal(t, alb, str(t, a, "dimensions", "LoadBalancer"))
		assert.Equal(t, str(t, m.one(t, typeTargetGroup, color).Outputs, "arnSuffix"), str(t, a, "dimensions", "TargetGroup"))
	}
}

func TestLambdaAlarms(t *testing.T) {
	cfg := testConfig(stacks.BackendLambda)
	cfg.FrontendEnabled = false
	got := alarms(run(t, cfg))
	assert.ElementsMatch(t, []string{"lambda-errors", "lambda-throttles"}, keysOf(got))
	for name, want := range map[string]struct {
		metric    string
		threshold float64
	}{"lambda-errors": {"Errors", 3}, "lambda-throttles": {"Throttles", 2}} {
		a := got[name].Inputs
		assert.Equal(t, want.metric, str(t, a, "metricName"))
		assert.Equal(t, "AWS/Lambda", str(t, a, "namespace"))
		assert.Equal(t, want.threshold, at(t, a, "threshold").NumberValue())
		assert.Equal(t, "api-staging", str(t, a, "dimensions", "FunctionName"))
		assert.Equal(t, "api-staging:live", str(t, a, "dimensions", "Resource"), "the alias, so a new version's errors show")
	}
}

func TestCloudFrontAlarm(t *testing.T) {
	m := run(t, testConfig(stacks.BackendLambda))
	a := alarms(m)["cloudfront-5xx"].Inputs
	assert.Equal(t, "5xxErrorRate", str(t, a, "metricName"))
	assert.Equal(t, "AWS/CloudFront", str(t, a, "namespace"))
	assert.Equal(t, 1.5, at(t, a, "threshold").NumberValue())
	assert.Equal(t, m.one(t, typeDistribution, "cdn").ID, str(t, a, "dimensions", "DistributionId"))
	assert.Equal(t, "Global", str(t, a, "dimensions", "Region"))
}

// withWebhook sets kirikae:webhookUrl as the engine hands a secret to the
// program: plaintext in PULUMI_CONFIG, named in PULUMI_CONFIG_SECRET_KEYS.
func withWebhook(t *testing.T, cfg *stacks.Config, url string) {
	t.Setenv("PULUMI_CONFIG", `{"`+stacks.KeyWebhookURL+`":"`+url+`"}`)
	t.Setenv("PULUMI_CONFIG_SECRET_KEYS", `["`+stacks.KeyWebhookURL+`"]`)
	cfg.WebhookURL = stacks.Secret{Set: true, Ciphertext: "v1:x:y"}
}

// Alert emails are subscribed; kirikae:webhookUrl is not (SNS cannot get a
// generic webhook to confirm a subscription; kirikae posts to it itself),
// so the URL, a secret, appears in no resource input at all.
func TestEmailsAreSubscribedAndTheWebhookIsNot(t *testing.T) {
	cfg := testConfig(stacks.BackendLambda)
	withWebhook(t, &cfg, "https://user:pa55w0rd@hooks.example.com/TOKEN")
	m := run(t, cfg)
	// Each alarm topic (the stack's, and us-east-1's for the CloudFront
	// alarm) has the same subscribers.
	for _, name := range []string{"alarms", "alarms-us-east-1"} {
		topic := str(t, m.one(t, "aws:sns/topic:Topic", name).Outputs, "arn")
		got := map[string]string{}
		for _, s := range m.ofType("aws:sns/topicSubscription:TopicSubscription") {
			if str(t, s.Inputs, "topic") == topic {
				got[str(t, s.Inputs, "endpoint")] = str(t, s.Inputs, "protocol")
			}
		}
		assert.Equal(t, map[string]string{
			"ops@example.com":    "email",
			"oncall@example.com": "email",
		}, got, name)
	}
	for _, r := range m.resources {
		assert.NotContains(t, fmt.Sprint(r.Inputs), "pa55w0rd", "%s %s", r.Type, r.Name)
	}
}

func TestNoRecipientsMeansNoSubscriptions(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	cfg.AlertEmails = nil
	m := run(t, cfg)
	assert.Empty(t, m.ofType("aws:sns/topicSubscription:TopicSubscription"))
	assert.Len(t, m.ofType("aws:sns/topic:Topic"), 2, "the stack's topic and us-east-1's (the CloudFront alarm's)")
}

// CloudFront publishes its metrics only in us-east-1, and an alarm sees
// only its own region's metrics and notifies only its own region's topics:
// the CloudFront alarm of a stack elsewhere (eu-west-1 here) is created in
// us-east-1 by a provider of that region, and notifies a topic there.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
func TestCloudFrontAlarmLivesWhereCloudFrontPublishes(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	require.Equal(t, "eu-west-1", cfg.Region)
	m := run(t, cfg)
	prov := m.one(t, "pulumi:providers:aws", "aws-us-east-1")
	assert.Equal(t, "us-east-1", str(t, prov.Inputs, "region"))
	as := alarms(m)
	cf := m.one(t, "aws:cloudwatch/metricAlarm:MetricAlarm", "cloudfront-5xx")
	assert.Contains(t, cf.Provider, "aws-us-east-1", "created in us-east-1")
	east := str(t, m.one(t, "aws:sns/topic:Topic", "alarms-us-east-1").Outputs, "arn")
	assert.Equal(t, []string{east}, strs(t, as["cloudfront-5xx"].Inputs, "alarmActions"))
	home := str(t, m.one(t, "aws:sns/topic:Topic", "alarms").Outputs, "arn")
	assert.Empty(t, m.one(t, "aws:cloudwatch/metricAlarm:MetricAlarm", "alb-5xx").Provider, "the others stay in the stack's region")
	assert.Equal(t, []string{home}, strs(t, as["alb-5xx"].Inputs, "alarmActions"))
	assert.Equal(t, []string{"eu-west-1", "us-east-1"}, AlarmRegions(cfg))

	// A stack in us-east-1 needs neither.
	cfg.Region = "us-east-1"
	m = run(t, cfg)
	assert.Empty(t, m.ofType("pulumi:providers:aws"))
	assert.Len(t, m.ofType("aws:sns/topic:Topic"), 1)
	assert.Equal(t, []string{"us-east-1"}, AlarmRegions(cfg))
}

func keysOf[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
