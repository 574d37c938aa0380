package deploy

import (
	"context"
	"fmt"
	"strconv"

	"github.com/kirikae/kirikae/engine"
	"github.com/kirikae/kirikae/stacks"
)

// RollbackRequest names the release to go back to.
type RollbackRequest struct {
	// To is a release id ("4", as `kirikae releases` shows it) or an image
	// tag or frontend release id; "" = the newest earlier verified release.
	To string
	// Image picks the newest release that ran this image.
	Image string
	// AllowSchemaRollback crosses a kirikae:dbSchemaVersion change.
	AllowSchemaRollback bool
	// Force rolls back during a deploy freeze (an incident); journaled.
	Force bool
}

// PlanRollback plans re-applying a previous release's values through the
// normal program, so state stays consistent. A rollback that only switches
// (listener weights, the colours' images, alias `live`, the frontend's
// KeyValueStore key) is planned from the release record and the live
// values alone, without an engine preview: its targets are the switch
// resources in state, so the one update is limited to them (Fast, Basis
// says so). Anything else (a Lambda artifact to publish again, a frontend
// key to create or delete) is previewed, and the update is limited to the
// switch resources only when the preview changes nothing else.
// Nothing is changed; an unknown target is a *ReleaseNotFoundError.
func (s *Session) PlanRollback(ctx context.Context, req RollbackRequest) (*Plan, error) {
	if !req.Force {
		if err := s.CheckFreeze(ctx, "rollback"); err != nil {
			return nil, err
		}
	}
	st, unlock, err := s.planState(ctx, KindRollback)
	if err != nil {
		return nil, err
	}
	defer unlock()
	target, err := s.findRelease(st, req)
	if err != nil {
		return nil, err
	}
	cur := st.values
	crossed := migrationsSince(st.releases, target.ID)
	if (target.DBSchemaVersion != cur.Schema || len(crossed) > 0) && !req.AllowSchemaRollback {
		return nil, &SchemaChangeError{Stack: s.Stack(), Target: target.ID, CurrentSchema: cur.Schema, TargetSchema: target.DBSchemaVersion, Migrations: crossed}
	}
	want := st.values
	want.Image = target.Values.Image
	want.FrontendRelease = target.Values.FrontendRelease
	if st.base.Backend == stacks.BackendLambda {
		// Moving the alias back is the rollback; re-deploying the old
		// artifact would publish yet another version. Without a recorded
		// version the old artifact is all there is.
		// The version must still run the code the release recorded.
		want.Lambda.CodeSha256 = target.LambdaCodeSha256
		if target.LambdaVersion != "" {
			want.Lambda.Version = target.LambdaVersion
		} else {
			want.Lambda.Artifact = target.Values.Lambda.Artifact
			want.Lambda.Revision = target.Values.Lambda.Revision
			want.Lambda.Version = ""
		}
	}
	pk := planKind{kind: KindRollback}
	p, err := s.planSteps(ctx, st, pk, want, nil)
	if err != nil {
		return nil, err
	}
	if types, ok := switchOnly(p.cfg.Backend, p.Current, p.Target, st.deployed); ok {
		if targets, ok := targetsOf(s.stackURN(), st.resources, types); ok {
			p.Fast, p.Targets = true, targets
			p.Basis = fmt.Sprintf("release %d's record and the live release values, without an engine preview: the update is limited to the switch resources", target.ID)
		}
	}
	if !p.Fast {
		if p, err = s.plan(ctx, st, pk, want, nil); err != nil {
			return nil, err
		}
		p.Fast, p.Targets = fastTargets(s.stackURN(), p.Preview)
	}
	p.Migration = crossingPlan(crossed, cur.Schema, target.DBSchemaVersion)
	t := target
	p.From = &t
	p.forced = req.Force
	return p, nil
}

// switchOnly says which switch resource types going from cur to want
// changes, when those values are all that changes; false when anything
// else may (a Lambda artifact publishes a version; a frontend key is
// created or deleted; a value this list does not know).
func switchOnly(backend string, cur, want Values, deployed bool) (map[string]bool, bool) {
	if !deployed {
		return nil, false
	}
	types := map[string]bool{}
	seen := cur
	if backend == stacks.BackendECS {
		if colorImages(cur) != colorImages(want) {
			// A colour gets another image: its task definition's new
			// revision, and its service.
			types[typeTaskDefinition], types[typeService] = true, true
		}
		if cur.activeColor() != want.activeColor() || cur.IdleWeight != want.IdleWeight {
			// Weights of the production listener, the test listener's
			// idle colour.
			types[typeListener] = true
		}
		seen.Image, seen.IdleImage, seen.ActiveColor, seen.IdleWeight = want.Image, want.IdleImage, want.ActiveColor, want.IdleWeight
	}
	if backend == stacks.BackendLambda && cur.Lambda.Artifact == want.Lambda.Artifact {
		if cur.Lambda != want.Lambda {
			types[typeAlias] = true
		}
		seen.Lambda = want.Lambda
	}
	if cur.FrontendRelease != want.FrontendRelease && cur.FrontendRelease != "" && want.FrontendRelease != "" {
		types[typeKVSKey] = true
		seen.FrontendRelease = want.FrontendRelease
	}
	seen.Schema = want.Schema
	return types, seen == want
}

// colorImages is the image each colour runs, blue then green.
func colorImages(v Values) [2]Image {
	idle := v.idleImage()
	if v.activeColor() == stacks.ColorBlue {
		return [2]Image{v.Image, idle}
	}
	return [2]Image{idle, v.Image}
}

// targetsOf is the stack and every resource of those types in state: the
// URNs a switch-only update is limited to. false when a type has no
// resource (the switch would create one: that needs a preview).
func targetsOf(stackURN string, resources []engine.StateResource, types map[string]bool) ([]string, bool) {
	targets := []string{stackURN}
	found := map[string]bool{}
	for _, r := range resources {
		if types[r.Type] {
			targets = append(targets, r.URN)
			found[r.Type] = true
		}
	}
	return targets, len(found) == len(types)
}

// findRelease resolves a rollback target.
func (s *Session) findRelease(st *stackState, req RollbackRequest) (Release, error) {
	notFound := func(to string) error {
		e := &ReleaseNotFoundError{Stack: s.Stack(), To: to}
		for _, r := range st.releases {
			e.Available = append(e.Available, r.ID)
		}
		return e
	}
	usable := func(r Release) bool { return r.Verified != VerifyFailed }
	switch {
	case req.To != "":
		n, numErr := strconv.Atoi(req.To)
		for _, r := range st.releases {
			if (numErr == nil && r.ID == n) || (numErr != nil && usable(r) && (r.ImageTag == req.To || r.FrontendRelease == req.To)) {
				return r, nil
			}
		}
		return Release{}, notFound(req.To)
	case req.Image != "":
		for _, r := range st.releases {
			if usable(r) && r.ImageTag == req.Image {
				return r, nil
			}
		}
		return Release{}, notFound(req.Image)
	}
	for _, r := range st.releases {
		if usable(r) && !sameServing(r.Values, st.values) {
			return r, nil
		}
	}
	return Release{}, notFound("")
}

// stackURN is the root resource's URN; a targeted update must include it
// or the stack's outputs keep describing the release before.
func (s *Session) stackURN() string {
	proj := s.ProjectName()
	return "urn:pulumi:" + s.Stack() + "::" + proj + "::pulumi:pulumi:Stack::" + proj + "-" + s.Stack()
}

// fastTargets returns the URNs to limit an update to, when every change in
// the preview is a switch resource.
func fastTargets(stackURN string, pre *Result) (bool, []string) {
	if pre == nil {
		return false, nil
	}
	targets := []string{stackURN}
	for _, r := range pre.Resources {
		if !switchTypes[r.Type] {
			return false, nil
		}
		targets = append(targets, r.URN)
	}
	return true, targets
}
