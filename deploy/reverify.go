package deploy

import "fmt"

// A release that failed verification, or was never verified (--skip-verify,
// an interrupted first deploy's record), may still be what is served: a
// first deploy whose checks failed has nothing to switch back to, and
// `up --skip-verify` is asked for. The stack is then never "up to date":
// the next `up`, even with nothing to change, verifies the live release
// again, records it when it passes, and when it fails switches back to the
// newest release that passed, or reports that there is none.

// Reverify is a plan's note that the live release is verified again.
type Reverify struct {
	Release Release `json:"release"`
	// Back is the release that goes live when it fails again; nil: none
	// passed verification, the failure is only reported.
	Back *Release `json:"back,omitempty"`
}

// Say is the plan's line for it.
func (r *Reverify) Say() string {
	what := "was never verified"
	if r.Release.Verified == VerifyFailed {
		what = "failed verification"
		if r.Release.Reason != "" {
			what += " (" + truncate(r.Release.Reason, 120) + ")"
		}
	}
	next := "if it fails again, nothing verified is left to switch back to: the failure is reported"
	if r.Back != nil {
		next = fmt.Sprintf("if it fails again, release %d (%s) goes back live", r.Back.ID, r.Back.Name())
	}
	return fmt.Sprintf("release %d (%s) is live but %s: this up verifies it again; %s", r.Release.ID, r.Release.Name(), what, next)
}

// unverifiedLive is the newest release when it is what is served and it
// did not pass verification; nil otherwise.
func unverifiedLive(st *stackState) *Reverify {
	if !st.deployed || len(st.releases) == 0 {
		return nil
	}
	r := st.releases[0]
	if r.Verified == VerifyPassed || !servesRelease(st.base.Backend, st.values, r) {
		return nil
	}
	rv := &Reverify{Release: r}
	for _, older := range st.releases[1:] {
		if older.Verified == VerifyPassed && !servesRelease(st.base.Backend, st.values, older) {
			o := older
			rv.Back = &o
			break
		}
	}
	return rv
}

// reverifyBack is where a failed re-verification switches back to, and
// whether there is anywhere.
func (r *run) reverifyBack() (Values, bool) {
	rv := r.p.Reverify
	if rv.Back == nil {
		return Values{}, false
	}
	return recoverValues(r.p.cfg.Backend, r.applied, *rv.Back), true
}
