package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/journal"
	"github.com/kirikae/kirikae/notify"
	"github.com/kirikae/kirikae/stacks"
	"github.com/kirikae/kirikae/verify"
)

// DeployOptions tune Deploy.
type DeployOptions struct {
	SkipVerify bool
	Message    string
	// Kind overrides the plan's kind in the recorded release.
	Kind string
	// AllowDowntime applies a plan that replaces the traffic path
	// (downtime.go).
	AllowDowntime bool
}

// DeployResult is a deploy, rollback or promote that went live.
type DeployResult struct {
	Stack   string  `json:"stack"`
	Kind    string  `json:"kind"`
	Release Release `json:"release"`
	// Result is the last engine update (outputs, version).
	Result *Result `json:"result"`
	// Updates is how many engine updates ran; Touched how many resources
	// they changed together.
	Updates int `json:"updates"`
	Touched int `json:"touched"`
	// Changes adds up the resource steps of those updates per op
	// (create, update, replace, delete).
	Changes map[string]int  `json:"changes"`
	Checks  []verify.Result `json:"checks,omitempty"`
	Pruned  []string        `json:"pruned,omitempty"`
	// PrunedLambdaVersions are the function versions no kept release
	// names, deleted after the release (lambda_prune.go).
	PrunedLambdaVersions []string `json:"prunedLambdaVersions,omitempty"`
	// AlarmsBefore are alarms already in ALARM before the switch: named,
	// not blamed on the release.
	AlarmsBefore []string      `json:"alarmsBefore,omitempty"`
	Duration     time.Duration `json:"-"`
}

// Deploy carries out a plan: stage, (canary,) switch, verify, and record
// the release. When verification fails or ECS rolls a deployment back,
// the previous release values go back live and the error says so
// (*VerifyFailedError, *CircuitBreakerError).
func (s *Session) Deploy(ctx context.Context, p *Plan, o DeployOptions) (*DeployResult, error) {
	if p == nil || p.Stack != s.Stack() {
		return nil, fmt.Errorf("deploy %s: the plan is for another stack", s.Stack())
	}
	if replaced := noWarmColor(p); len(replaced) > 0 && !o.AllowDowntime {
		return nil, &DowntimeError{Stack: s.Stack(), Replaced: replaced}
	}
	unlock, err := s.Lock("deploy")
	if err != nil {
		return nil, err
	}
	defer unlock()
	start := time.Now()
	log, err := s.releases(ctx)
	if err != nil {
		return nil, err
	}
	now, err := log.latest(ctx)
	if err != nil {
		return nil, err
	}
	if now != p.base {
		return nil, &StalePlanError{Stack: s.Stack(), Planned: p.base, Found: now}
	}
	// A freeze set between the plan and now still holds.
	freeze, err := s.CurrentFreeze(ctx)
	if err != nil {
		return nil, err
	}
	if freeze.Frozen && !p.forced {
		return nil, s.CheckFreeze(ctx, p.Kind)
	}
	r := &run{started: time.Now(), s: s, p: p, o: o, kind: p.Kind, applied: p.Current, res: &DeployResult{Stack: s.Stack(), Changes: map[string]int{}}}
	if o.Kind != "" {
		r.kind = o.Kind
	}
	r.res.Kind = r.kind
	op := r.kind
	if op == KindDeploy {
		op = "up"
	}
	err = s.journaled(ctx, op, journal.Entry{Release: journalRelease(p.Target, p.From)}, func(end *journal.Entry) error {
		// "started" goes out beside the deploy, so a slow channel never
		// holds it up; the outcome waits for it, so they arrive in order.
		started := make(chan string, 1)
		go func() {
			started <- s.announce(ctx, notify.Event{Kind: notify.DeployStarted, ReleaseName: releaseNameOf(p.Target)})
		}()
		err := r.execute(ctx)
		end.Changes = r.res.Changes
		notes := r.notes
		if p.forced && freeze.Frozen {
			notes = append(notes, fmt.Sprintf("forced (--force) during a deploy freeze by %s: %s", freeze.Who, freeze.Reason))
		}
		if r.res.Release.ID > 0 {
			end.Release = journalRelease(Values{}, &r.res.Release)
		}
		for _, n := range []string{<-started, s.announce(ctx, r.deployEvent(err))} {
			if n != "" {
				notes = append(notes, "notification failed: "+n)
			}
		}
		end.Note = strings.Join(notes, "; ")
		return err
	})
	if err != nil && ctx.Err() != nil && r.touched {
		// Cancelled (Ctrl-C, SIGTERM) once the stack began to change:
		// traffic may be on a release nobody verified (recover.go).
		err = s.recoverCancelled(ctx, op, asCommand(err, op))
	}
	if err != nil {
		return nil, asCommand(err, op)
	}
	r.res.Duration = time.Since(start)
	return r.res, nil
}

// run is one Deploy in progress.
type run struct {
	started time.Time
	s       *Session
	p       *Plan
	o       DeployOptions
	kind    string
	applied Values // release values of the last update
	last    *Result
	res     *DeployResult
	// smoked: the smoke command ran before the flip; notes go to the
	// journal entry (what the team's own checks and the migration did).
	smoked bool
	notes  []string
	// migrated: this release's migration ran and exited 0.
	migrated bool
	// touched: an engine update began, so what is served may have moved.
	touched bool
	// baseline: alarms in ALARM before anything moved (alarms_baseline.go).
	baseline map[string]bool
}

func (r *run) note(s string) { r.notes = append(r.notes, s) }

func (r *run) frontendChanged() bool {
	return !r.p.deployed || r.p.Current.FrontendRelease != r.p.Target.FrontendRelease
}

func (r *run) execute(ctx context.Context) error {
	s, p, cfg := r.s, r.p, r.p.cfg
	release := p.Target.FrontendRelease
	// The bucket exists unless this is the stack's first deploy; then the
	// release is uploaded right after the update that creates it.
	bucket := outputString(p.outputs, infra.OutputFrontendBucket)
	if r.kind == KindPromote && p.From != nil && s.promoteSource != nil {
		// Again before anything moves: an approval may have kept the
		// plan waiting while someone rewrote what staging verified.
		if err := s.checkVerifiedArtifacts(ctx, s.promoteSource, *p.From); err != nil {
			return err
		}
	}
	if r.frontendChanged() && bucket != "" {
		if err := s.ensureFrontendRelease(ctx, cfg, bucket, release, r.kind != KindRollback); err != nil {
			return err
		}
	}
	if p.registry {
		if err := r.registryFirst(ctx); err != nil {
			return err
		}
	}
	r.readBaseline(ctx)
	for i, st := range p.steps {
		values := st.values
		if st.aliasToLatest || st.newVersionOnly {
			latest := outputString(r.last.Outputs, infra.OutputLambdaLatestVersion)
			if st.newVersionOnly && latest == p.liveLambda {
				continue
			}
			if st.aliasToLatest {
				values.Lambda.Version = latest
			}
		}
		if r.last != nil && values == r.applied {
			continue
		}
		s.Phase("%s: %s", st.kind, st.say)
		msg := stepMessagePrefix + st.kind + ": " + st.say
		if i == len(p.steps)-1 {
			msg = r.o.Message
			if msg == "" {
				msg = fmt.Sprintf("kirikae %s: %s", r.kind, st.say)
			}
		}
		if err := r.up(ctx, values, msg, p.Targets); err != nil {
			return r.failedUpdate(ctx, st.kind, err)
		}
		if err := s.checkRollout(ctx, r.last.Outputs); err != nil {
			return r.fail(ctx, err, p.Current)
		}
		if err := r.migrate(ctx, st); err != nil {
			return r.fail(ctx, err, p.Current)
		}
		if st.kind == stepStage {
			// Before any traffic moves: the staged colour answers
			// through the test listener, or the deploy stops here with
			// the live release untouched.
			if err := r.verifyIdle(ctx, values); err != nil {
				return r.fail(ctx, err, p.Current)
			}
		}
		if st.bake {
			if err := r.bake(ctx); err != nil {
				return r.fail(ctx, err, r.rollbackValues())
			}
		}
	}
	outs := r.last.Outputs
	if r.frontendChanged() {
		if bucket == "" {
			bucket = outputString(outs, infra.OutputFrontendBucket)
			if err := s.ensureFrontendRelease(ctx, cfg, bucket, release, r.kind != KindRollback); err != nil {
				return err
			}
		}
		if err := s.awaitEdge(ctx, cfg, outs); err != nil {
			return err
		}
	}
	verified, reason := VerifySkipped, ""
	if !r.o.SkipVerify {
		s.Phase("verify: %s", joinPhrases(checkNames(cfg, outs)))
		results, err := s.verifyRelease(ctx, cfg, outs, r.applied, true)
		r.res.Checks = results
		if err != nil {
			return r.fail(ctx, err, r.rollbackValues())
		}
		verified = VerifyPassed
		for _, res := range results {
			s.Phase("verify: %s ok (%s)", res.Check.Name, res.Version)
		}
		if err := r.smoke(ctx, "the live URL", outputString(outs, infra.OutputURL), !r.smoked); err != nil {
			return r.fail(ctx, err, r.rollbackValues())
		}
		if err := r.watch(ctx); err != nil {
			return r.fail(ctx, err, r.rollbackValues())
		}
	}
	rel, err := r.recordRelease(ctx, r.kind, verified, reason)
	if err != nil {
		return err
	}
	r.res.Release = rel
	if verified == VerifyPassed && r.frontendChanged() && r.kind != KindRollback {
		// Best effort: a failed prune leaves old objects, not a broken site.
		releases := append([]Release{rel}, p.releases...)
		r.res.Pruned, _ = s.pruneFrontend(ctx, cfg, bucket, releases)
	}
	if verified != VerifyFailed {
		// Best effort as well: a failed prune leaves old versions, which
		// the next deploy prunes.
		releases := append([]Release{rel}, p.releases...)
		r.res.PrunedLambdaVersions, _ = s.pruneLambdaVersions(ctx, cfg, releases)
	}
	return nil
}

func checkNames(cfg stacks.Config, outs map[string]Output) []string {
	var out []string
	for _, c := range checks(cfg, outs, Values{}, true) {
		out = append(out, c.Name+" "+c.URL+c.Path)
	}
	return out
}

// up runs one engine update of the deploy.
func (r *run) up(ctx context.Context, values Values, msg string, targets []string) error {
	r.touched = true
	res, err := r.s.Session.Up(ctx, values.Config(), UpOptions{Message: msg, Targets: targets})
	if err != nil {
		return err
	}
	r.applied, r.last = values, res
	r.res.Result = res
	r.res.Updates++
	r.res.Touched += len(res.Resources)
	for _, rc := range res.Resources {
		r.res.Changes[rc.Op]++
	}
	return nil
}

// rollbackValues are the values that put the previous release back live
// the fastest way: a switch back to the colour or alias that still runs it.
func (r *run) rollbackValues() Values {
	want := r.p.Current
	want.Lambda.Version = r.p.liveLambda
	want.Lambda.Artifact = r.applied.Lambda.Artifact
	want.Lambda.Revision = r.applied.Lambda.Revision
	sp := planSwitch(switchInput{
		backend: r.p.cfg.Backend, cur: r.applied, want: want, deployed: true, rollback: true,
		liveLambda: outputString(r.last.Outputs, infra.OutputLambdaVersion),
	})
	return sp.final
}

// fail records the failed release, puts back values (the previous
// release) and returns the typed error.
func (r *run) fail(ctx context.Context, cause error, back Values) error {
	s := r.s
	if r.last == nil || errors.Is(cause, context.Canceled) || ctx.Err() != nil {
		// Nothing applied yet, or the user cancelled: record nothing and
		// switch nothing; the journal says "cancelled" and the next plan
		// reads what is live from the stack's outputs.
		return cause
	}
	var cb *CircuitBreakerError
	var fe *verify.FailedError
	var ae *AlarmError
	isCB, isAlarm := errors.As(cause, &cb), errors.As(cause, &ae)
	me, isMigration := isMigrationError(cause)
	if !isCB && !isAlarm && !isMigration && !errors.As(cause, &fe) {
		return cause // interrupted, or kirikae could not tell: change nothing more
	}
	check, reason := failedCheck(cause)
	if said := s.functionError(ctx, r.started); said != "" && !isCB && !isAlarm {
		reason += "; the function's log says: " + said
	}
	switch {
	case isCB:
		check, reason = "rollout", cause.Error()
	case isAlarm:
		check, reason = "watch", ae.Error()
	case isMigration:
		check, reason = "migrate", me.Error()
	}
	failed, err := r.recordRelease(ctx, r.kind, VerifyFailed, check+": "+reason)
	if err != nil {
		return errors.Join(cause, err)
	}
	rolledBack, rbErr := 0, error(nil)
	goBack := r.p.deployed
	if r.p.Reverify != nil {
		// The live release itself failed again: back to the newest that
		// passed, if any (reverify.go).
		back, goBack = r.reverifyBack()
	}
	if goBack {
		rolledBack, rbErr = r.rollback(ctx, back, reason)
	}
	if isCB {
		cb.RolledBackTo, cb.RollbackErr = rolledBack, rbErr
		return cb
	}
	return &VerifyFailedError{
		Stack: s.Stack(), ID: failed.ID, Release: failed.Name(), Check: check, Reason: reason,
		RolledBackTo: rolledBack, RollbackErr: rbErr, Err: cause,
	}
}

// rollback applies back without targets (the failed state may be
// anything), verifies it, and records it as an automatic rollback.
func (r *run) rollback(ctx context.Context, back Values, reason string) (int, error) {
	s := r.s
	what := joinPhrases(planSwitch(switchInput{
		backend: r.p.cfg.Backend, cur: r.applied, want: back, deployed: true, rollback: true,
		liveLambda: outputString(r.last.Outputs, infra.OutputLambdaVersion),
	}).switches)
	if what == "" { // the release failed while staged: no traffic had moved
		what = "the staged colour goes back to the live release; no traffic moved"
	}
	s.Phase("rollback: %s", what)
	if err := r.beforeRollbackSwitch(ctx, back); err != nil {
		return 0, err
	}
	from := r.applied.FrontendRelease
	if err := r.up(ctx, back, "kirikae auto-rollback: "+truncate(reason, 200), nil); err != nil {
		return 0, err
	}
	if from != back.FrontendRelease {
		if err := s.awaitEdge(ctx, r.p.cfg, r.last.Outputs); err != nil {
			return 0, err
		}
	}
	verified, why := VerifySkipped, ""
	if !r.o.SkipVerify {
		verified = VerifyPassed
		if _, err := s.verifyRelease(ctx, r.p.cfg, r.last.Outputs, r.applied, true); err != nil {
			verified, why = VerifyFailed, err.Error()
		}
	}
	rel, err := r.recordRelease(ctx, KindAutoRollback, verified, why)
	if err != nil {
		return 0, err
	}
	if verified == VerifyFailed {
		return 0, fmt.Errorf("previous release failed verification too: %s", why)
	}
	return rel.ID, nil
}

// recordRelease appends the values of the last update to the release log
// and returns the release with its id.
func (r *run) recordRelease(ctx context.Context, kind, verified, reason string) (Release, error) {
	s := r.s
	log, err := s.releases(ctx)
	if err != nil {
		return Release{}, err
	}
	rel := s.newRelease(ctx, r.applied, outputString(r.last.Outputs, infra.OutputLambdaVersion), kind, verified, reason)
	if img := r.p.Target.Image; verified == VerifyFailed && rel.ImageTag != "" && img.Tag != "" {
		// A release refused on the idle colour never became active: the
		// values applied still run the previous image, but the release
		// that failed is the image the deploy staged, and `releases`
		// must name it.
		rel.ImageTag, rel.ImageDigest = img.Tag, img.Digest
	}
	rel.Migrated = r.migrated && kind != KindAutoRollback
	if verified == VerifyPassed {
		// Read now, while what was verified is what AWS holds. A failure
		// leaves the release unpromotable, never unrecorded.
		a, err := s.verifiedArtifacts(ctx, r.p.cfg, r.last.Outputs, r.applied)
		if err != nil {
			s.Phase("record: artifact identities not read (%v): promote refuses this release", err)
		}
		rel.Artifacts = a
	}
	rel, err = log.append(ctx, rel)
	if err != nil {
		return Release{}, fmt.Errorf("record release of %s: %w", s.Stack(), err)
	}
	return rel, nil
}
