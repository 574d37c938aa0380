package sandbox

import (
	"errors"
	"fmt"
	"slices"
)

// Invalidation is a CloudFront cache invalidation the simulated account
// recorded. The sandbox has no cache, so it only matters that deploy asked.
type Invalidation struct {
	ID    string   `json:"id"`
	Paths []string `json:"paths"`
}

func (a *Account) invalidate(distributionID string, paths []string) error {
	if len(paths) == 0 {
		return errors.New("invalidate: no paths given")
	}
	err := a.update(func(st *state) error {
		if _, r := st.find(tokDistribution, distributionID, ""); r == nil {
			return fmt.Errorf("NoSuchDistribution: distribution %q does not exist in the simulated account", distributionID)
		}
		st.Seq++
		inv := Invalidation{ID: fmt.Sprintf("I%013X", st.Seq), Paths: slices.Clone(paths)}
		st.Invalidations[distributionID] = append(st.Invalidations[distributionID], inv)
		return nil
	})
	if err != nil {
		return fmt.Errorf("invalidate distribution %s: %w", distributionID, err)
	}
	return nil
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
