package cloudfront

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
)

// invalidate records an invalidation. A repeated caller reference is a
// retry and returns the first invalidation, as CloudFront does.
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateInvalidation.html
func invalidate(a *core.Account, distributionID, callerRef string, paths []string) (core.Invalidation, error) {
	var inv core.Invalidation
	if len(paths) == 0 {
		return inv, core.BadRequest("InvalidArgument", "Your request contains no paths to invalidate.")
	}
	err := a.Update(func(st *core.State) error {
		if _, r := st.Find(core.TokDistribution, distributionID, ""); r == nil {
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
				return core.BadRequest("InvalidArgument", fmt.Sprintf("Your request contains one or more invalid invalidation paths: %s", p))
			}
		}
		st.Seq++
		at := time.Now()
		inv = core.Invalidation{ID: fmt.Sprintf("I%013X", st.Seq), Paths: slices.Clone(paths),
			CallerReference: callerRef, CreateTime: core.Stamp(at), CompleteTime: core.Stamp(at.Add(core.Scaled(core.InvalidationTime)))}
		st.Invalidations[distributionID] = append(st.Invalidations[distributionID], inv)
		return nil
	})
	core.ModelUnlessFailed(err, core.InvalidationCompleted) // modeled AWS time (core/latency.go)
	return inv, err
}

func noSuchDistribution(id string) error {
	return core.NotFound("NoSuchDistribution", fmt.Sprintf("The specified distribution does not exist: %s", id))
}

// Invalidations lists the invalidations made on a distribution, oldest
// first, so tests can check that a switch dropped the cache.
func Invalidations(a *core.Account, distributionID string) ([]core.Invalidation, error) {
	var out []core.Invalidation
	err := a.View(func(st *core.State) error {
		out = slices.Clone(st.Invalidations[distributionID])
		return nil
	})
	return out, err
}
