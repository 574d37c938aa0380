package deploy

import (
	"context"
	"fmt"
)

// PlanPromote plans applying to this stack exactly the release another
// stack (staging) last deployed and verified: its image tag, frontend
// release and Lambda artifact. It refuses (*PromoteRefusedError) when that
// release failed or was never verified. Nothing is changed.
//
// release, when > 0, binds the promote to the source release a pipeline
// verified (its id): a newer or another release there is refused, so an
// approval that arrives late never promotes something nobody reviewed.
func (s *Session) PlanPromote(ctx context.Context, from *Session, release int) (*Plan, error) {
	if from == nil || from.Stack() == s.Stack() {
		return nil, fmt.Errorf("promote to %s: the source must be another stack", s.Stack())
	}
	src, err := from.Releases(ctx)
	if err != nil {
		return nil, err
	}
	refuse := func(format string, args ...any) *PromoteRefusedError {
		return &PromoteRefusedError{From: from.Stack(), To: s.Stack(), Reason: fmt.Sprintf(format, args...)}
	}
	if len(src) == 0 {
		return nil, refuse("%s has no releases", from.Stack())
	}
	latest := src[0]
	good := latest.Kind != KindAutoRollback && latest.Verified == VerifyPassed
	if release > 0 && latest.ID != release {
		e := refuse("release %d of %s is not its latest release, which is now %d (%s)", release, from.Stack(), latest.ID, latest.Name())
		if asked, ok := findRelease(src, release); ok && asked.Verified == VerifyPassed {
			e.Reason = fmt.Sprintf("the pipeline verified release %d of %s, but its latest release is now %d (%s); run the pipeline again for it", release, from.Stack(), latest.ID, latest.Name())
		} else if ok {
			e.Reason = fmt.Sprintf("release %d of %s did not pass verification (%s%s), and its latest release is now %d (%s)", release, from.Stack(), asked.Verified, reasonSuffix(asked.Reason), latest.ID, latest.Name())
		}
		if good {
			e.Promotable = latest.ID
		} else {
			e.NeedsFix = true
		}
		return nil, e
	}
	switch {
	case latest.Kind == KindAutoRollback:
		e := refuse("the last deploy to %s failed and was rolled back automatically (release %d)", from.Stack(), latest.ID)
		e.NeedsFix = true
		return nil, e
	case latest.Verified == VerifyFailed:
		e := refuse("release %d of %s failed verification: %s", latest.ID, from.Stack(), latest.Reason)
		e.NeedsFix = true
		return nil, e
	case latest.Verified != VerifyPassed:
		return nil, refuse("release %d of %s was never verified (%s)", latest.ID, from.Stack(), latest.Verified)
	}

	if err := s.CheckFreeze(ctx, "promote"); err != nil {
		return nil, err
	}
	// What staging verified, still there: the tag names the digest it
	// verified, its frontend objects are the ones it verified.
	if err := s.checkVerifiedArtifacts(ctx, from, latest); err != nil {
		return nil, err
	}
	st, unlock, err := s.planState(ctx, KindPromote)
	if err != nil {
		return nil, err
	}
	defer unlock()
	// The same image digest staging verified, not the tag looked up
	// again: what product runs is byte for byte what staging ran.
	want := st.values
	want.Image = latest.Values.Image
	want.FrontendRelease = latest.Values.FrontendRelease
	want.Lambda.Artifact = latest.Values.Lambda.Artifact
	want.Lambda.Revision = latest.Values.Lambda.Revision
	p, err := s.plan(ctx, st, planKind{kind: KindPromote}, want, nil)
	if err != nil {
		return nil, err
	}
	p.From = &latest
	s.promoteSource = from
	if err := s.planFrontendCopy(ctx, from, latest); err != nil {
		return nil, err
	}
	return p, nil
}

func findRelease(rs []Release, id int) (Release, bool) {
	for _, r := range rs {
		if r.ID == id {
			return r, true
		}
	}
	return Release{}, false
}

func reasonSuffix(reason string) string {
	if reason == "" {
		return ""
	}
	return ": " + reason
}
