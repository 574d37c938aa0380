package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Invalidation is a CloudFront cache invalidation the simulated account
// recorded. It takes invalidationTime (scaled) to complete; until then the
// edge cache keeps serving what it held (cloudfront_cache.go).
type Invalidation struct {
	ID              string   `json:"id"`
	Paths           []string `json:"paths"`
	CallerReference string   `json:"callerReference,omitempty"`
	CreateTime      string   `json:"createTime,omitempty"` // RFC 3339, nanoseconds
	CompleteTime    string   `json:"completeTime,omitempty"`
}

// Status is InProgress until the invalidation completes, then Completed.
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Invalidation.html
func (inv Invalidation) Status(now time.Time) string {
	if inv.CompleteTime != "" && parseStamp(inv.CompleteTime).After(now) {
		return "InProgress"
	}
	return "Completed"
}

// covers reports whether the invalidation drops the cached object at
// path (a cache key's URI): paths match exactly, or as a prefix when they
// end in "*".
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/invalidation-specifying-objects.html
func (inv Invalidation) covers(path string) bool {
	for _, p := range inv.Paths {
		if pre, ok := strings.CutSuffix(p, "*"); ok && strings.HasPrefix(path, pre) || p == path {
			return true
		}
	}
	return false
}

// invalidate records an invalidation. A repeated caller reference is a
// retry and returns the first invalidation, as CloudFront does.
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateInvalidation.html
func (a *Account) invalidate(distributionID, callerRef string, paths []string) (Invalidation, error) {
	var inv Invalidation
	if len(paths) == 0 {
		return inv, badRequest("InvalidArgument", "Your request contains no paths to invalidate.")
	}
	err := a.update(func(st *state) error {
		if _, r := st.find(tokDistribution, distributionID, ""); r == nil {
			return noSuchDistribution(distributionID)
		}
		for _, old := range st.Invalidations[distributionID] {
			if callerRef != "" && old.CallerReference == callerRef {
				inv = old
				return nil
			}
		}
		for _, p := range paths {
			if !strings.HasPrefix(p, "/") {
				return badRequest("InvalidArgument", fmt.Sprintf("Your request contains one or more invalid invalidation paths: %s", p))
			}
		}
		st.Seq++
		at := time.Now()
		inv = Invalidation{ID: fmt.Sprintf("I%013X", st.Seq), Paths: slices.Clone(paths),
			CallerReference: callerRef, CreateTime: stamp(at), CompleteTime: stamp(at.Add(scaled(invalidationTime)))}
		st.Invalidations[distributionID] = append(st.Invalidations[distributionID], inv)
		return nil
	})
	modelUnlessFailed(err, InvalidationCompleted) // modeled AWS time (latency.go)
	return inv, err
}

func noSuchDistribution(id string) error {
	return notFound("NoSuchDistribution", fmt.Sprintf("The specified distribution does not exist: %s", id))
}

// Invalidations lists the invalidations made on a distribution, oldest
// first, so tests can check that a switch dropped the cache.
func (a *Account) Invalidations(distributionID string) ([]Invalidation, error) {
	var out []Invalidation
	err := a.view(func(st *state) error {
		out = slices.Clone(st.Invalidations[distributionID])
		return nil
	})
	return out, err
}
