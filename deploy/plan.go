package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/kirikae/kirikae/engine"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
)

// Plan is what a deploy, rollback or promote will do, computed before
// anything changes so the CLI can show it (and ask) first.
type Plan struct {
	Stack string `json:"stack"`
	Kind  string `json:"kind"` // deploy | rollback | promote
	// Current and Target are release values: live now, and after the plan.
	// A Lambda alias version of "" in Target means "the version this
	// deploy publishes".
	Current Values `json:"current"`
	Target  Values `json:"target"`
	// Switches are the traffic moves in words: "traffic blue → green (v1 → v2)".
	Switches []string `json:"switches"`
	// Replaces are resources the plan replaces (task definitions excluded:
	// a new revision is how ECS versions tasks, nobody's traffic drops).
	Replaces []ResourceChange `json:"replaces,omitempty"`
	Preview  *Result          `json:"preview"`
	Downtime string           `json:"downtime"`
	// RollbackCommand undoes the plan once applied; "" for a first deploy.
	RollbackCommand string `json:"rollbackCommand,omitempty"`
	// Fast: the update is limited to Targets, the switch resources.
	Fast    bool     `json:"fast"`
	Targets []string `json:"targets,omitempty"`
	// From names the release a rollback or promote applies.
	From *Release `json:"from,omitempty"`
	// First: the stack has never been deployed; nothing is live to switch.
	First bool `json:"first,omitempty"`
	// Watch says how long the alarms are watched and when the deploy ends.
	Watch string `json:"watch,omitempty"`
	// Reverify: the live release failed or skipped verification; this
	// deploy verifies it again even when nothing changes (reverify.go).
	Reverify *Reverify `json:"reverify,omitempty"`
	// Basis says what a plan without a preview (Preview nil: a rollback
	// that only switches) was computed from, for the user to read before
	// confirming; the engine checks nothing until the update runs.
	Basis string `json:"basis,omitempty"`
	// Migration says what applying the plan does to the database: the
	// migration a release runs before traffic moves, or the migrations a
	// rollback crosses.
	Migration string `json:"migration,omitempty"`

	steps      []step
	releases   []Release // the stack's releases when planned, newest first
	forced     bool      // a rollback forced through a freeze
	outputs    map[string]Output
	base       int // newest release id when planned: another deploy since makes the plan stale
	deployed   bool
	liveLambda string
	cfg        stacks.Config // target config (strategy, verification)
	// registry: the stack's ECR repository does not exist yet; the deploy
	// creates it first and runs the image preflight then (registry.go).
	registry bool
}

// DeployRequest asks for a deploy of new release values.
type DeployRequest struct {
	// Overrides are release values by config key, as the flags and saved
	// plans carry them ("kirikae:imageTag" from --image,
	// "kirikae:frontendRelease" from --frontend-release); they are read
	// into Values by the one mapping in values.go.
	Overrides map[string]string
	// Preview: the plan is only shown (preview, a reviewed plan saved
	// before the image is built); an image not in ECR yet is left to the
	// preflight of the `up` that applies it.
	Preview bool
}

// stackState is what a plan starts from.
type stackState struct {
	latest   int    // newest release id, 0 = none
	values   Values // release values live now (the schema as applied)
	deployed bool
	releases []Release
	outputs  map[string]Output
	// pending are the URNs an interrupted update left in flight.
	pending []string
	// resources are the stack's resources in state: what a rollback's
	// targeted update names without a preview.
	resources []engine.StateResource
	base      stacks.Config // the repo file's config
}

// loadState reads what is live from the stack's state (its outputs and
// resources: the file backend's state file, else one `stack export`) and
// the release log (no engine process); Pulumi history is read only for
// stacks deployed before kirikae exported its release values.
func (s *Session) loadState(ctx context.Context) (*stackState, error) {
	base, err := stacks.Load(s.ProjectDir(), s.Stack())
	if err != nil {
		return nil, err
	}
	releases, err := s.Releases(ctx)
	if err != nil {
		return nil, err
	}
	state, err := s.State(ctx)
	if err != nil {
		return nil, err
	}
	outs := state.Outputs
	s.alarmTopic = outputString(outs, infra.OutputAlarmTopicArn)
	st := &stackState{base: base, releases: releases, outputs: outs, resources: state.Resources, pending: state.Pending}
	if len(releases) > 0 {
		st.latest = releases[0].ID
	}
	if st.values, st.deployed, err = s.liveValues(ctx, base, outs); err != nil {
		return nil, err
	}
	if st.deployed && len(releases) == 0 && outputString(outs, OutputReleaseValues) != "" {
		// The first deploy creates the image repository in an update of
		// its own before anything else; a run stopped after that step left
		// outputs but recorded no release: this is still the first deploy
		// (its frontend never uploaded, nothing was verified).
		st.values, st.deployed = baseValues(base), false
	}
	return st, nil
}

// liveValues is the release values the last update applied: the
// releaseValues output, or for an older stack the newest successful
// update's config snapshot over the repo file's; the repo file's when the
// stack was never deployed.
func (s *Session) liveValues(ctx context.Context, base stacks.Config, outs map[string]Output) (Values, bool, error) {
	if raw := outputString(outs, OutputReleaseValues); raw != "" {
		var values Values
		if err := json.Unmarshal([]byte(raw), &values); err != nil {
			return Values{}, false, fmt.Errorf("read live release values of %s: %w", s.Stack(), err)
		}
		return values, true, nil
	}
	if len(outs) == 0 {
		return baseValues(base), false, nil
	}
	hist, err := s.History(ctx, 0)
	if err != nil {
		return Values{}, false, err
	}
	cfg, ok := lastDeployed(hist)
	v, err := valuesOf(base, cfg)
	return v, ok, err
}

// planState takes the stack lock for planning and loads what a plan starts
// from; the caller releases the lock when the plan is made. A command that
// changes what is served (by: "up", "rollback", "promote"; "" for a preview)
// first recovers from an interrupted operation (recover.go).
func (s *Session) planState(ctx context.Context, by string) (*stackState, func(), error) {
	unlock, err := s.Lock("plan")
	if err != nil {
		return nil, nil, err
	}
	st, err := s.loadState(ctx)
	if err == nil && by != "" {
		st, err = s.recoverFirst(ctx, st, by)
	}
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return st, unlock, nil
}

// PlanDeploy plans a switch-style deploy of the requested release values
// and previews it. Nothing is changed.
func (s *Session) PlanDeploy(ctx context.Context, req DeployRequest) (*Plan, error) {
	if !req.Preview {
		if err := s.checkPassphrase(); err != nil {
			return nil, err
		}
	}
	by := "up"
	if req.Preview {
		by = ""
	}
	st, unlock, err := s.planState(ctx, by)
	if err != nil {
		return nil, err
	}
	defer unlock()
	// The stack file's validation speaks for the flags (exit 2).
	if _, err := st.base.With(req.Overrides); err != nil {
		return nil, err
	}
	want, err := st.values.apply(req.Overrides)
	if err != nil {
		return nil, err
	}
	extra := map[string]string{}
	for k, v := range req.Overrides {
		switch k {
		case stacks.KeyImageTag, stacks.KeyFrontendRelease, stacks.KeyLambdaArtifact:
		default:
			extra[k] = v
		}
	}
	return s.plan(ctx, st, planKind{kind: KindDeploy, preview: req.Preview}, want, extra)
}

// planKind is what a plan is for.
type planKind struct {
	kind    string
	preview bool // shown only: no image preflight
}

// plan turns wanted release values into steps and previews the result.
func (s *Session) plan(ctx context.Context, st *stackState, pk planKind, want Values, extra map[string]string) (*Plan, error) {
	p, err := s.planSteps(ctx, st, pk, want, extra)
	if err != nil {
		return nil, err
	}
	pre, err := s.Session.Preview(ctx, p.Target.Config(), PreviewOptions{})
	if err != nil {
		return nil, err
	}
	p.setPreview(pre)
	return p, nil
}

// planSteps turns wanted release values into steps, without the engine:
// the plan has no preview yet.
func (s *Session) planSteps(ctx context.Context, st *stackState, pk planKind, want Values, extra map[string]string) (*Plan, error) {
	kind := pk.kind
	cfg, err := st.base.With(want.Config())
	if err != nil {
		return nil, err
	}
	registry := false
	if kind != KindRollback && !pk.preview {
		// Preflight: before anything is staged, the image exists and its
		// digest is pinned into the release.
		want, err = s.resolveImage(ctx, cfg, st.values, want, st.deployed)
		if err == nil && kind == KindDeploy {
			want, err = s.resolveArtifact(ctx, cfg, want)
		}
		if errors.As(err, new(*ImagePlatformError)) {
			return nil, s.refuse(ctx, kind, st, want, err)
		}
		if registry = needsRegistry(cfg, err); err != nil && !registry {
			return nil, err
		}
	}
	live := outputString(st.outputs, infra.OutputLambdaVersion)
	sp := planSwitch(switchInput{
		backend: cfg.Backend, canary: cfg.Strategy == stacks.StrategyCanary && kind != KindRollback,
		canaryPercent: cfg.CanaryPercent, cur: st.values, want: want, extra: extra,
		deployed: st.deployed, liveLambda: live, rollback: kind == KindRollback,
	})
	p := &Plan{
		Stack: s.Stack(), Kind: kind, Current: st.values, Target: sp.final,
		Switches: sp.switches, steps: sp.steps, base: st.latest,
		deployed: st.deployed, liveLambda: live, cfg: cfg, releases: st.releases,
		outputs: st.outputs, First: !st.deployed, registry: registry,
		Downtime: "none: switch only",
	}
	if p.Switches == nil {
		p.Switches = []string{}
	}
	if st.deployed {
		p.Watch = watchSay(cfg, slices.ContainsFunc(sp.steps, func(s step) bool { return s.bake }))
	}
	if kind == KindDeploy && len(sp.switches) == 0 {
		p.Reverify = unverifiedLive(st)
	}
	if live, ok := LiveRelease(st.releases); ok {
		p.RollbackCommand = s.rollbackCommand(live.ID)
		// A deploy or promote records the stack file's schema version; a
		// rollback puts its target's back.
		next := st.base.DBSchemaVersion
		if kind == KindRollback {
			next = sp.final.Schema
		}
		if live.DBSchemaVersion != next {
			// Undoing this release crosses its schema change, which
			// rollback refuses without the flag (SchemaChangeError).
			p.RollbackCommand += " --allow-schema-rollback"
		}
	}
	p.Migration = p.migrationPlan()
	return p, nil
}

// setPreview adds the engine's preview to a plan: what it replaces, and
// so the downtime to expect.
func (p *Plan) setPreview(pre *Result) {
	p.Preview = pre
	for _, r := range pre.Resources {
		if r.Op == OpReplace && r.Type != typeTaskDefinition {
			p.Replaces = append(p.Replaces, r)
		}
	}
	p.Downtime = "none: switch only"
	if n := len(p.Replaces); n > 0 {
		p.Downtime = fmt.Sprintf("possible: %d resources replaced", n)
	}
}

func (s *Session) rollbackCommand(version int) string {
	return s.Invocation().Command("rollback", "--to", strconv.Itoa(version))
}

// Resource types a release switch may touch; a rollback whose changes all
// have these types can be limited to them.
const (
	typeTaskDefinition = "aws:ecs/taskDefinition:TaskDefinition"
	typeService        = "aws:ecs/service:Service"
	typeListener       = "aws:lb/listener:Listener"
	typeAlias          = "aws:lambda/alias:Alias"
	typeDistribution   = "aws:cloudfront/distribution:Distribution"
	typeKVSKey         = "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey"
)

var switchTypes = map[string]bool{
	typeTaskDefinition: true, typeService: true, typeListener: true, typeAlias: true, typeDistribution: true,
	typeKVSKey: true,
}

func outputString(outs map[string]Output, name string) string {
	if o, ok := outs[name]; ok {
		if v, ok := o.Value.(string); ok {
			return v
		}
	}
	return ""
}
