package sandbox

import (
	"fmt"
	"slices"
)

// Invalidation is a CloudFront cache invalidation the simulated account
// recorded. The sandbox has no cache, so it only matters that deploy asked.
type Invalidation struct {
	ID              string   `json:"id"`
	Paths           []string `json:"paths"`
	CallerReference string   `json:"callerReference,omitempty"`
	CreateTime      string   `json:"createTime,omitempty"` // RFC 3339
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
		st.Seq++
		inv = Invalidation{ID: fmt.Sprintf("I%013X", st.Seq), Paths: slices.Clone(paths),
			CallerReference: callerRef, CreateTime: now()}
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
