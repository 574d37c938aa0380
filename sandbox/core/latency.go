package core

import (
	"context"
	"os"
	"strconv"
	"sync"
	"time"
)

// The latency model: how long AWS typically takes for the operations a
// deploy, rollback or promote waits on. The sandbox answers at once, so
// without it every operation looks equally fast, and "a rollback is only a
// switch" cannot be measured. Each operation records its modeled duration
// (ModeledTime sums them, so a benchmark can report what the same run
// would take on AWS) and, when the AWS caller blocks on it, waits that long
// scaled by KIRIKAE_SANDBOX_TIME_SCALE (default 0: no wait, so tests and the
// first README command stay fast; 1: AWS's real durations; 0.01: a
// hundredth). The durations are typical figures from AWS's documentation,
// not guarantees; each cites its source.

// LatencyKind names one modeled AWS operation.
type LatencyKind string

// The modeled operations.
const (
	// ECSSteadyState: an ECS service with a new task definition reaches
	// steady state (the provider's waitForSteadyState). Its new tasks must
	// pass the target group's health check, and its old tasks drain for
	// the target group's deregistration delay before ECS stops them:
	// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-connection-draining.html
	// (the delay is what makes a steady-state wait last minutes in practice:
	// https://github.com/hashicorp/terraform-provider-aws/issues/16012).
	// The ecs package computes both from the service's target group
	// (TypeSpec.Latency); the fixed figure here, one health check at the
	// default 30 s interval plus the default 300 s delay, is for a service
	// without one.
	ECSSteadyState LatencyKind = "ecs-steady-state"
	// ListenerModify: ModifyListener returns at once, but "rule updates do
	// not take effect immediately, so requests could be routed using the
	// previous rule configuration for a short time":
	// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-rule.html
	// Modeled as 5 s during which requests may follow the previous rules
	// (elbv2.RoutingActions); the caller does not wait.
	ListenerModify LatencyKind = "listener-modify"
	// LambdaPublish: UpdateFunctionCode runs with LastUpdateStatus
	// InProgress until the new code is ready, and the provider waits for it
	// before publishing the version:
	// https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html
	// Modeled as 10 s for a small zip.
	LambdaPublish LatencyKind = "lambda-publish"
	// LambdaAlias: UpdateAlias changes which version the alias invokes; it
	// is a metadata change with no function state transition (same page as
	// LambdaPublish). Modeled as 1 s.
	LambdaAlias LatencyKind = "lambda-alias"
	// KVSPropagation: a CloudFront KeyValueStore key change reaches the
	// edge locations in seconds, without a distribution update:
	// https://aws.amazon.com/blogs/aws/introducing-amazon-cloudfront-keyvaluestore-a-low-latency-datastore-for-cloudfront-functions/
	// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/kvs-with-functions.html
	// Modeled as 10 s; PutKey itself returns at once (no wait).
	KVSPropagation LatencyKind = "kvs-propagation"
	// InvalidationCompleted: CreateInvalidation returns InProgress; AWS's waiter
	// polls every 20 s (up to 30 times) until Completed:
	// https://docs.aws.amazon.com/cli/latest/reference/cloudfront/wait/invalidation-completed.html
	// Modeled as 60 s (three polls); the caller does not wait (no sleep).
	InvalidationCompleted LatencyKind = "invalidation"
	// DistributionUpdate: settings take effect once the distribution has
	// propagated to the edge locations (status Deployed):
	// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/HowToUpdateDistribution.html
	// AWS's waiter polls every 60 s, up to 35 times:
	// https://boto3.amazonaws.com/v1/documentation/api/1.34.23/reference/services/cloudfront/waiter/DistributionDeployed.html
	// Modeled as 300 s; the provider waits for Deployed by default.
	DistributionUpdate LatencyKind = "distribution-update"
)

// latency is one kind's model: its typical duration and whether the AWS
// caller blocks on it (else it only propagates in the background).
type latency struct {
	d    time.Duration
	wait bool
}

var latencies = map[LatencyKind]latency{
	ECSSteadyState:        {330 * time.Second, true},
	ListenerModify:        {5 * time.Second, false},
	LambdaPublish:         {10 * time.Second, true},
	LambdaAlias:           {1 * time.Second, true},
	KVSPropagation:        {10 * time.Second, false},
	InvalidationCompleted: {60 * time.Second, false},
	DistributionUpdate:    {300 * time.Second, true},
}

// resourceLatency is the modeled operation of a resource type's Create and
// Update (types not listed take no modeled time).
var resourceLatency = map[string]LatencyKind{
	"aws:ecs/service:Service":                          ECSSteadyState,
	"aws:lb/listener:Listener":                         ListenerModify,
	"aws:lambda/function:Function":                     LambdaPublish,
	"aws:lambda/alias:Alias":                           LambdaAlias,
	"aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey": KVSPropagation,
	"aws:cloudfront/distribution:Distribution":         DistributionUpdate,
}

// Modeled is the AWS time the sandbox modeled since the last reset: the
// sum of every modeled operation (operations AWS would run in parallel are
// summed, so it is an upper bound of the wall time they would take).
type Modeled struct {
	Total  time.Duration                 `json:"total"`
	ByKind map[LatencyKind]time.Duration `json:"byKind"`
	Count  map[LatencyKind]int           `json:"count"`
}

var meter = struct {
	sync.Mutex
	m Modeled
}{m: newModeled()}

func newModeled() Modeled {
	return Modeled{ByKind: map[LatencyKind]time.Duration{}, Count: map[LatencyKind]int{}}
}

// ModeledTime returns the modeled AWS time of this process's sandbox
// operations since ResetModeledTime.
func ModeledTime() Modeled {
	meter.Lock()
	defer meter.Unlock()
	out := newModeled()
	out.Total = meter.m.Total
	for k, v := range meter.m.ByKind {
		out.ByKind[k] = v
		out.Count[k] = meter.m.Count[k]
	}
	return out
}

// ResetModeledTime starts a new measurement.
func ResetModeledTime() {
	meter.Lock()
	defer meter.Unlock()
	meter.m = newModeled()
}

// Delay records one modeled operation and, when its caller would wait on
// AWS, waits the scaled duration (or until ctx ends: a cancelled engine
// must not hang on a modeled wait).
func Delay(ctx context.Context, kind LatencyKind) {
	delayFor(ctx, kind, -1)
}

// delayFor is Delay with the operation's duration d, or the kind's fixed
// figure when d < 0.
func delayFor(ctx context.Context, kind LatencyKind, d time.Duration) {
	l, ok := latencies[kind]
	if !ok {
		return
	}
	if d >= 0 {
		l.d = d
	}
	meter.Lock()
	meter.m.Total += l.d
	meter.m.ByKind[kind] += l.d
	meter.m.Count[kind]++
	meter.Unlock()
	scaled := time.Duration(float64(l.d) * TimeScale())
	if !l.wait || scaled <= 0 {
		return
	}
	t := time.NewTimer(scaled)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// DelayResource models the Create or Update of a resource of type typ
// taking d, or its kind's fixed figure when d < 0 (see TypeSpec.Latency).
func DelayResource(ctx context.Context, typ string, d time.Duration) {
	if kind, ok := resourceLatency[typ]; ok {
		delayFor(ctx, kind, d)
	}
}

// ModelUnlessFailed records an operation that runs in the background on
// AWS (the caller does not wait) once its request succeeded.
func ModelUnlessFailed(err error, kind LatencyKind) {
	if err == nil {
		Delay(context.Background(), kind)
	}
}

// TimeScale is KIRIKAE_SANDBOX_TIME_SCALE, the scaled clock deploy's watch
// also runs on (deploy/watch.go): how much of AWS's real durations the
// sandbox waits; unset, invalid or negative means 0.
func TimeScale() float64 {
	v, err := strconv.ParseFloat(os.Getenv("KIRIKAE_SANDBOX_TIME_SCALE"), 64)
	if err != nil || v < 0 {
		return 0
	}
	return v
}
