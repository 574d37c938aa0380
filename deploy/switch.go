package deploy

import (
	"fmt"

	"github.com/kirikae/kirikae/stacks"
)

// Step kinds of a switch-style deploy.
const (
	stepApply  = "apply"  // a plain up: nothing to switch
	stepStage  = "stage"  // the new release starts beside the live one, without traffic
	stepCanary = "canary" // part of the traffic goes to the new release while it bakes
	stepSwitch = "switch" // traffic moves to the new release
)

// step is one engine update of a deploy.
type step struct {
	kind   string
	say    string // the phase message, e.g. "green gets image v2"
	values Values
	// bake: verify, wait the bake time, verify again (canary).
	bake bool
	// aliasToLatest pins alias `live` at run time to the version the
	// previous step published; newVersionOnly skips the step when that
	// step published nothing.
	aliasToLatest  bool
	newVersionOnly bool
}

// switchInput is what planSwitch decides from.
type switchInput struct {
	backend       string
	canary        bool
	canaryPercent int
	cur, want     Values
	// extra are release values applied verbatim with the final step.
	extra      map[string]string
	deployed   bool
	liveLambda string // version alias `live` serves now
	// rollback: go back to what exists; never publish new code when a
	// version to go back to is known.
	rollback bool
}

// switchPlan is the ordered updates of a deploy and their final values.
type switchPlan struct {
	steps    []step
	final    Values
	switches []string
}

// planSwitch turns "serve want instead of cur" into updates that never
// take the live release down: the new release is staged beside the live
// one, then traffic switches; the old release stays warm, so going back
// is another switch.
func planSwitch(in switchInput) switchPlan {
	if !in.deployed {
		final := withExtra(in.want, in.extra)
		return switchPlan{final: final, steps: []step{{kind: stepApply, say: "first deploy", values: final}}}
	}
	var p switchPlan
	base := in.cur
	switch in.backend {
	case stacks.BackendECS:
		base = p.planECS(in, base)
	case stacks.BackendLambda:
		base = p.planLambda(in, base)
	}
	final := base
	final.FrontendRelease = in.want.FrontendRelease
	if in.cur.FrontendRelease != final.FrontendRelease {
		p.switches = append(p.switches, fmt.Sprintf("frontend %s → %s", in.cur.FrontendRelease, final.FrontendRelease))
	}
	final = withExtra(final, in.extra)
	p.final = final
	if n := len(p.steps); n > 0 && p.steps[n-1].kind == stepSwitch {
		p.steps[n-1].values = final
		if p.steps[n-1].say == "" {
			p.steps[n-1].say = joinPhrases(p.switches)
		}
		return p
	}
	kind, say := stepApply, "no release change"
	if len(p.switches) > 0 {
		kind, say = stepSwitch, joinPhrases(p.switches)
	}
	p.steps = append(p.steps, step{kind: kind, say: say, values: final})
	return p
}

// planECS stages the new image on the idle colour (unless it already runs
// there), optionally bakes a canary, then flips the listener.
func (p *switchPlan) planECS(in switchInput, base Values) Values {
	curImg, wantImg := in.cur.Image, in.want.Image
	if wantImg.Tag == "" || wantImg.Tag == curImg.Tag {
		// Same image: only the canary share can differ (going back from a
		// canary that failed its bake takes the share back to 0).
		base.IdleWeight = in.want.IdleWeight
		return base
	}
	active := in.cur.activeColor()
	idle := otherColor(active)
	if in.cur.idleImage().Tag != wantImg.Tag {
		stage := base
		stage.IdleImage = wantImg
		stage.IdleWeight = 0
		p.steps = append(p.steps, step{kind: stepStage, say: fmt.Sprintf("%s gets image %s", idle, wantImg.Tag), values: stage})
		base = stage
	} else if wantImg.Digest == "" {
		// Going back to the image the idle colour still runs: it keeps
		// the digest it was staged with.
		wantImg = in.cur.idleImage()
	}
	if in.canary {
		c := base
		c.IdleWeight = in.canaryPercent
		p.steps = append(p.steps, step{kind: stepCanary, bake: true, values: c,
			say: fmt.Sprintf("%d%% of traffic → %s (%s)", in.canaryPercent, idle, wantImg.Tag)})
	}
	out := base
	out.ActiveColor = idle
	out.Image = wantImg
	out.IdleImage = curImg
	out.IdleWeight = 0
	p.switches = append(p.switches, fmt.Sprintf("traffic %s → %s (%s → %s)", active, idle, curImg.Tag, wantImg.Tag))
	p.steps = append(p.steps, step{kind: stepSwitch, say: "", values: out})
	return out
}

// planLambda either moves alias `live` to a version that exists (a
// rollback), or publishes the code behind the pinned alias and then moves
// the alias to it.
//
// A deploy always takes the second way, even when the artifact path is the
// same: the code under the path may have changed, and only the engine can
// tell (by publishing a version). Deciding from the path alone once left
// every deploy after the second one published but never live: the alias
// stayed pinned to the version of the deploy before.
func (p *switchPlan) planLambda(in switchInput, base Values) Values {
	live := in.liveLambda
	wantAlias, wantArt := in.want.Lambda.Version, in.want.Lambda.Artifact
	base.Lambda.CanaryWeight = 0
	if in.rollback && wantAlias != "" && wantArt == in.cur.Lambda.Artifact {
		base.Lambda.CodeSha256 = in.want.Lambda.CodeSha256 // what the release ran, if it was recorded
		if wantAlias != live {
			base.Lambda.Version = wantAlias
			p.switches = append(p.switches, fmt.Sprintf("alias %s %s → %s", "live", orNone(live), wantAlias))
			p.steps = append(p.steps, step{kind: stepSwitch, values: base})
		}
		return base
	}
	stage := base
	stage.Lambda.Artifact = wantArt
	// An s3:// artifact's revision, read when the deploy planned, is what
	// changes the function's code inputs (lambda_artifact.go).
	stage.Lambda.Revision = in.want.Lambda.Revision
	stage.Lambda.CodeSha256 = in.want.Lambda.CodeSha256
	stage.Lambda.Version = live
	p.steps = append(p.steps, step{kind: stepStage, values: stage,
		say: fmt.Sprintf("publish %s behind alias live (stays on %s)", wantArt, orNone(live))})
	if in.canary {
		c := stage
		c.Lambda.CanaryWeight = in.canaryPercent
		p.steps = append(p.steps, step{kind: stepCanary, bake: true, newVersionOnly: true, values: c,
			say: fmt.Sprintf("%d%% of traffic → the new version", in.canaryPercent)})
	}
	out := stage
	// "" until the stage step tells which version it published.
	out.Lambda.Version = ""
	p.switches = append(p.switches, fmt.Sprintf("alias live %s → newest published", orNone(live)))
	p.steps = append(p.steps, step{kind: stepSwitch, aliasToLatest: true, values: out})
	return out
}

// withExtra applies release values given verbatim (config keys) over v;
// they were validated with the stack file when the plan was made.
func withExtra(v Values, extra map[string]string) Values {
	out, err := v.apply(extra)
	if err != nil {
		return v
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func joinPhrases(ps []string) string {
	out := ""
	for i, p := range ps {
		if i > 0 {
			out += ", "
		}
		out += p
	}
	return out
}
