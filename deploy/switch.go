package deploy

import (
	"fmt"
	"maps"
	"strconv"

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
	values map[string]string
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
	cur, want     map[string]string
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
	final    map[string]string
	switches []string
}

// planSwitch turns "serve want instead of cur" into updates that never
// take the live release down: the new release is staged beside the live
// one, then traffic switches; the old release stays warm, so going back
// is another switch.
func planSwitch(in switchInput) switchPlan {
	if !in.deployed {
		final := clone(in.want)
		maps.Copy(final, in.extra)
		return switchPlan{final: final, steps: []step{{kind: stepApply, say: "first deploy", values: final}}}
	}
	var p switchPlan
	base := clone(in.cur)
	switch in.backend {
	case stacks.BackendECS:
		base = p.planECS(in, base)
	case stacks.BackendLambda:
		base = p.planLambda(in, base)
	}
	final := clone(base)
	final[stacks.KeyFrontendRelease] = in.want[stacks.KeyFrontendRelease]
	if in.cur[stacks.KeyFrontendRelease] != final[stacks.KeyFrontendRelease] {
		p.switches = append(p.switches, fmt.Sprintf("frontend %s → %s", in.cur[stacks.KeyFrontendRelease], final[stacks.KeyFrontendRelease]))
	}
	maps.Copy(final, in.extra)
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
func (p *switchPlan) planECS(in switchInput, base map[string]string) map[string]string {
	curImg, wantImg := in.cur[stacks.KeyImageTag], in.want[stacks.KeyImageTag]
	if wantImg == "" || wantImg == curImg {
		// Same image: only the canary share can differ (going back from a
		// canary that failed its bake takes the share back to 0).
		if w, ok := in.want[stacks.KeyIdleWeight]; ok {
			base[stacks.KeyIdleWeight] = w
		}
		return base
	}
	active := activeOf(in.cur)
	idle := otherColor(active)
	if idleImageOf(in.cur) != wantImg {
		stage := clone(base)
		stage[stacks.KeyIdleImageTag] = wantImg
		stage[stacks.KeyIdleWeight] = "0"
		p.steps = append(p.steps, step{kind: stepStage, say: fmt.Sprintf("%s gets image %s", idle, wantImg), values: stage})
		base = stage
	}
	if in.canary {
		c := clone(base)
		c[stacks.KeyIdleWeight] = strconv.Itoa(in.canaryPercent)
		p.steps = append(p.steps, step{kind: stepCanary, bake: true, values: c,
			say: fmt.Sprintf("%d%% of traffic → %s (%s)", in.canaryPercent, idle, wantImg)})
	}
	out := clone(base)
	out[stacks.KeyActiveColor] = idle
	out[stacks.KeyImageTag] = wantImg
	out[stacks.KeyIdleImageTag] = curImg
	out[stacks.KeyIdleWeight] = "0"
	p.switches = append(p.switches, fmt.Sprintf("traffic %s → %s (%s → %s)", active, idle, curImg, wantImg))
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
func (p *switchPlan) planLambda(in switchInput, base map[string]string) map[string]string {
	live := in.liveLambda
	wantAlias, wantArt := in.want[stacks.KeyLambdaAliasVersion], in.want[stacks.KeyLambdaArtifact]
	base[stacks.KeyLambdaCanaryWeight] = "0"
	if in.rollback && wantAlias != "" && wantArt == in.cur[stacks.KeyLambdaArtifact] {
		if wantAlias != live {
			base[stacks.KeyLambdaAliasVersion] = wantAlias
			p.switches = append(p.switches, fmt.Sprintf("alias %s %s → %s", "live", orNone(live), wantAlias))
			p.steps = append(p.steps, step{kind: stepSwitch, values: base})
		}
		return base
	}
	stage := clone(base)
	stage[stacks.KeyLambdaArtifact] = wantArt
	stage[stacks.KeyLambdaAliasVersion] = live
	p.steps = append(p.steps, step{kind: stepStage, values: stage,
		say: fmt.Sprintf("publish %s behind alias live (stays on %s)", wantArt, orNone(live))})
	if in.canary {
		c := clone(stage)
		c[stacks.KeyLambdaCanaryWeight] = strconv.Itoa(in.canaryPercent)
		p.steps = append(p.steps, step{kind: stepCanary, bake: true, newVersionOnly: true, values: c,
			say: fmt.Sprintf("%d%% of traffic → the new version", in.canaryPercent)})
	}
	out := clone(stage)
	// "" until the stage step tells which version it published.
	out[stacks.KeyLambdaAliasVersion] = ""
	p.switches = append(p.switches, fmt.Sprintf("alias live %s → newest published", orNone(live)))
	p.steps = append(p.steps, step{kind: stepSwitch, aliasToLatest: true, values: out})
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
