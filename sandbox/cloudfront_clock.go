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
	// A KeyValueStore update reaches the edges within seconds:
	// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/kvs-with-functions.html
	kvsPropagation = 5 * time.Second
	// An invalidation stays InProgress until every edge dropped the paths;
	// it typically takes about a minute:
	// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/Invalidation.html
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
