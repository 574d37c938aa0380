package core

import (
	"time"
)

// AWS takes time to apply some CloudFront changes; the sandbox makes its
// state follow the latency model's durations (core/latency.go, with their
// sources) on the scaled clock KIRIKAE_SANDBOX_TIME_SCALE (as deploy's watch
// does): 1 = as AWS, 0.01 = a hundredth, 0 (the default) = at once.
var (
	// A KeyValueStore key update needs no function publish or distribution
	// update, but it still travels to every edge.
	// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/kvs-with-functions-associate.html
	KVSPropagationTime = latencies[KVSPropagation].d
	// An invalidation stays InProgress until every edge dropped the paths.
	// https://docs.aws.amazon.com/cli/latest/reference/cloudfront/wait/invalidation-completed.html
	InvalidationTime = latencies[InvalidationCompleted].d
	// A listener's new rules do not take effect at once: "requests could
	// be routed using the previous rule configuration for a short time".
	// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-rule.html
	ListenerPropagationTime = latencies[ListenerModify].d
)

// Scaled is d on the sandbox's clock.
func Scaled(d time.Duration) time.Duration { return time.Duration(float64(d) * TimeScale()) }

// Stamp is a time precise enough for scaled durations of milliseconds.
func Stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func ParseStamp(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
