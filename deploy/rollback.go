package deploy

import (
	"context"
	"strconv"

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
// normal program, so state stays consistent. When every change is a
// switch resource (listener, the colours' services and task definitions,
// alias, distribution) the plan is Fast: the update is limited to them.
// Nothing is changed; an unknown target is a *ReleaseNotFoundError.
func (s *Session) PlanRollback(ctx context.Context, req RollbackRequest) (*Plan, error) {
	if !req.Force {
		if err := s.CheckFreeze(ctx, "rollback"); err != nil {
			return nil, err
		}
	}
	st, unlock, err := s.planState(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	target, err := s.findRelease(st, req)
	if err != nil {
		return nil, err
	}
	cur := st.values.Schema
	if target.DBSchemaVersion != cur && !req.AllowSchemaRollback {
		return nil, &SchemaChangeError{Stack: s.Stack(), Target: target.ID, CurrentSchema: cur, TargetSchema: target.DBSchemaVersion}
	}
	want := st.values
	want.Image = target.Values.Image
	want.FrontendRelease = target.Values.FrontendRelease
	if st.base.Backend == stacks.BackendLambda {
		// Moving the alias back is the rollback; re-deploying the old
		// artifact would publish yet another version. Without a recorded
		// version the old artifact is all there is.
		if target.LambdaVersion != "" {
			want.Lambda.Version = target.LambdaVersion
		} else {
			want.Lambda.Artifact = target.Values.Lambda.Artifact
			want.Lambda.Version = ""
		}
	}
	p, err := s.plan(ctx, st, planKind{kind: KindRollback}, want, nil)
	if err != nil {
		return nil, err
	}
	t := target
	p.From = &t
	p.forced = req.Force
	p.Fast, p.Targets = fastTargets(s.stackURN(), p.Preview)
	return p, nil
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
