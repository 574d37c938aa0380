package sandbox

import (
	"os"
	"strconv"
	"time"
)

// AWS takes time to apply some CloudFront changes; the sandbox waits the
// same durations scaled by KIRIKAE_SANDBOX_TIME_SCALE (as deploy's watch
// does): 1 = as AWS, 0.01 = a hundredth, 0 (the default) = at once.
const (
	// A KeyValueStore key update needs no function publish or distribution
	// update, but it still travels to every edge; AWS gives no bound, the
	// sandbox takes 5 s.
	// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/kvs-with-functions-associate.html
	kvsPropagation = 5 * time.Second
	// An invalidation stays InProgress until every edge dropped the paths;
	// the SDKs' InvalidationCompleted waiter polls every 20 s for it, and
	// the sandbox takes 60 s.
	// https://docs.aws.amazon.com/cli/latest/reference/cloudfront/wait/invalidation-completed.html
	invalidationTime = 60 * time.Second
)

// timeScale reads KIRIKAE_SANDBOX_TIME_SCALE; anything unreadable is 0.
func timeScale() float64 {
	v, err := strconv.ParseFloat(os.Getenv("KIRIKAE_SANDBOX_TIME_SCALE"), 64)
	if err != nil || v < 0 {
		return 0
	}
	return v
}

// scaled is d on the sandbox's clock.
func scaled(d time.Duration) time.Duration { return time.Duration(float64(d) * timeScale()) }

// stamp is a time precise enough for scaled durations of milliseconds.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseStamp(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
