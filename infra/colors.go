package infra

import (
	"fmt"

	"github.com/kirikae/kirikae/stacks"
)

// colorPlan is what one colour of the blue/green pair runs and how much
// traffic it gets.
type colorPlan struct {
	Color    string
	ImageTag string
	// Digest pins the image ("" for releases recorded before digests):
	// the task definition pulls repositoryUrl@digest, so a tag pushed
	// again cannot change what a colour runs.
	Digest string
	Weight int
	Active bool
}

// activeColor defaults to blue so a fresh stack needs no colour setting.
func activeColor(cfg stacks.Config) string {
	if cfg.ActiveColor == "" {
		return stacks.ColorBlue
	}
	return cfg.ActiveColor
}

// idleImage is the image (tag, digest) the idle colour keeps warm; an
// empty idle tag means the idle colour runs the active image (first
// deploy, nothing to roll back to).
func idleImage(cfg stacks.Config) (string, string) {
	if cfg.IdleImageTag == "" {
		return cfg.ImageTag, cfg.ImageDigest
	}
	return cfg.IdleImageTag, cfg.IdleImageDigest
}

// colorPlans returns both colours, always blue then green, so resource
// registration order and names never depend on which one is active.
func colorPlans(cfg stacks.Config) ([]colorPlan, error) {
	active := activeColor(cfg)
	if active != stacks.ColorBlue && active != stacks.ColorGreen {
		return nil, fmt.Errorf("plan colors: active color %q is neither %s nor %s", active, stacks.ColorBlue, stacks.ColorGreen)
	}
	if cfg.IdleWeight < 0 || cfg.IdleWeight > 100 {
		return nil, fmt.Errorf("plan colors: idle weight %d is outside 0..100", cfg.IdleWeight)
	}
	plans := make([]colorPlan, 0, 2)
	for _, c := range []string{stacks.ColorBlue, stacks.ColorGreen} {
		tag, digest := idleImage(cfg)
		p := colorPlan{Color: c, ImageTag: tag, Digest: digest, Weight: cfg.IdleWeight}
		if c == active {
			p = colorPlan{Color: c, ImageTag: cfg.ImageTag, Digest: cfg.ImageDigest, Weight: 100 - cfg.IdleWeight, Active: true}
		}
		plans = append(plans, p)
	}
	return plans, nil
}
