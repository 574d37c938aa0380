package deploy

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kirikae/kirikae/journal"
	"github.com/kirikae/kirikae/stacks"
)

// A deploy can be stopped anywhere: Ctrl-C, SIGTERM, or kill -9 of its
// process group while it plans, stages the new release on the idle colour,
// moves traffic, verifies or watches. When traffic already moved and
// verification had not passed, an unverified release is served while the
// release log names the one before; the engine's state may also hold the
// operations the kill left in flight. What is served must be a verified
// release, so:
//   - the interrupted command itself, when it still runs (SIGINT, SIGTERM),
//     puts the last verified release back before it exits (Deploy);
//   - otherwise the next command that changes the stack (up, rollback,
//     promote) finds the interruption in the journal or the state and does
//     it first (planState).
// Both journal it as a "recover" operation, and `status` reports an
// interruption nobody has recovered from yet.

// opRecover is the journal operation that puts the last verified release
// back after an interruption.
const opRecover = "recover"

// servingOps are the journaled operations that change what is served.
var servingOps = map[string]bool{"up": true, KindRollback: true, KindPromote: true, opRecover: true}

// Interruption is an operation that stopped without finishing, leaving
// what is served unknown.
type Interruption struct {
	// Op is the operation that stopped ("up", "rollback"); OpID its
	// journal id, Since when it started. Op is "" when only the state
	// tells (pending operations, release values no release names).
	Op    string    `json:"op,omitempty"`
	OpID  string    `json:"opId,omitempty"`
	Since time.Time `json:"since,omitzero"`
	// Pending are the resources the engine left in flight.
	Pending []string `json:"pending,omitempty"`
	// Back is the release that goes back live: the newest that did not fail.
	Back Release `json:"back"`
}

// What describes the interruption in a phrase.
func (in *Interruption) What() string {
	switch {
	case in.Op != "" && !in.Since.IsZero():
		return fmt.Sprintf("the %s started %s was interrupted", in.Op, in.Since.UTC().Format(time.RFC3339))
	case in.Op != "":
		return fmt.Sprintf("the %s was interrupted", in.Op)
	case len(in.Pending) > 0:
		return fmt.Sprintf("an interrupted update left %d operations pending", len(in.Pending))
	}
	return "the release values applied are no release's"
}

// findInterruption reads what an interrupted operation left: a serving
// operation whose process died before its end was journaled (or a recover
// that failed), operations pending in the state, or release values live
// that the release log does not name. nil when there is nothing to recover
// from, or nothing verified to go back to (a first deploy starts over).
func (s *Session) findInterruption(ctx context.Context, st *stackState) (*Interruption, error) {
	if !st.deployed {
		return nil, nil
	}
	back, ok := LiveRelease(st.releases)
	if !ok {
		return nil, nil
	}
	in := &Interruption{Pending: st.pending, Back: back}
	recs, err := s.journal().List(ctx, time.Time{}, 20)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if !servingOps[r.Start.Op] {
			continue
		}
		// A cancelled operation ran its own recovery (journaled after it)
		// or changed nothing; a killed one ends nothing.
		if r.Result == journal.ResultInterrupted || r.Start.Op == opRecover && r.Result != journal.ResultSucceeded && r.Result != journal.ResultRunning {
			in.Op, in.OpID, in.Since = r.Start.Op, r.Start.OpID, r.Start.Time
		}
		break
	}
	if in.Op == "" && len(in.Pending) == 0 && servesRelease(st.base.Backend, st.values, back) {
		return nil, nil
	}
	return in, nil
}

// servesRelease reports whether live release values serve what release r
// recorded: the active image, the Lambda version behind alias live, the
// frontend release.
func servesRelease(backend string, live Values, r Release) bool {
	if live.FrontendRelease != r.Values.FrontendRelease {
		return false
	}
	if backend == stacks.BackendLambda {
		return r.LambdaVersion == "" || live.Lambda.Version == "" || live.Lambda.Version == r.LambdaVersion
	}
	return live.Image.Tag == r.Values.Image.Tag
}

// recoverValues are the release values that put in.Back live again: its
// own, with alias live on the version it recorded (the artifact stays
// what the stack has, so no version is published again).
func recoverValues(backend string, cur Values, back Release) Values {
	v := back.Values
	if backend == stacks.BackendLambda && back.LambdaVersion != "" {
		v.Lambda.Version = back.LambdaVersion
		if cur.Lambda.Artifact != "" {
			v.Lambda.Artifact, v.Lambda.Revision = cur.Lambda.Artifact, cur.Lambda.Revision
		}
	}
	return v
}

// recoverInterrupted puts the last verified release back live after an
// interruption, journaled as "recover" with the command that ran it (by):
// the operations left pending are refreshed from the provider first, then
// one untargeted update applies that release's values (it puts the listener,
// the colours, alias live and the frontend key back, whatever the kill
// left), and the release is verified again.
func (s *Session) recoverInterrupted(ctx context.Context, st *stackState, in *Interruption, by string) error {
	values := recoverValues(st.base.Backend, st.values, in.Back)
	cfg, err := st.base.With(values.Config())
	if err != nil {
		return err
	}
	s.Phase("recover: %s; release %d (%s) goes back live", in.What(), in.Back.ID, in.Back.Name())
	return s.journaled(ctx, opRecover, journal.Entry{Release: journalRelease(values, &in.Back)}, func(end *journal.Entry) error {
		end.Note = fmt.Sprintf("run by %s: %s", by, in.What())
		if len(in.Pending) > 0 {
			if _, err := s.Session.RefreshInterrupted(ctx); err != nil {
				return asCommand(fmt.Errorf("refresh what the interrupted %s left: %w", cmp.Or(in.Op, "update"), err), by)
			}
		}
		res, err := s.Session.Up(ctx, values.Config(), UpOptions{
			Message: fmt.Sprintf("kirikae recover (%s): release %d back live", by, in.Back.ID),
		})
		if err != nil {
			return asCommand(err, by)
		}
		end.Changes = res.Changes
		if _, err := s.verifyRelease(ctx, cfg, res.Outputs, values, true); err != nil {
			return fmt.Errorf("%s %s: release %d, put back after an interruption, failed verification: %w", by, s.Stack(), in.Back.ID, err)
		}
		s.Phase("recover: release %d (%s) is live and verified", in.Back.ID, in.Back.Name())
		return nil
	})
}

// recoverFirst is the start of a command that changes what is served:
// when an earlier operation was interrupted, the last verified release goes
// back live before anything is planned, and the state is read again.
func (s *Session) recoverFirst(ctx context.Context, st *stackState, by string) (*stackState, error) {
	in, err := s.findInterruption(ctx, st)
	if err != nil || in == nil {
		return st, err
	}
	if err := s.recoverInterrupted(ctx, st, in, by); err != nil {
		return nil, err
	}
	return s.loadState(ctx)
}

// recoverCancelled runs after a deploy the user cancelled once it had
// begun changing the stack: the engine stopped cleanly, but traffic may
// be on the new, unverified release. The last verified release goes back
// live on a context the cancel does not end (a second Ctrl-C still
// forces the exit). It returns the cancel, saying what is live.
func (s *Session) recoverCancelled(ctx context.Context, op string, cause error) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Minute)
	defer cancel()
	st, err := s.loadState(rctx)
	if err != nil {
		return errors.Join(cause, err)
	}
	back, ok := LiveRelease(st.releases)
	if !st.deployed || !ok {
		return cause
	}
	in := &Interruption{Op: op, Pending: st.pending, Back: back}
	if err := s.recoverInterrupted(rctx, st, in, op); err != nil {
		return errors.Join(cause, err)
	}
	return &CancelledError{Op: op, Stack: s.Stack(), Err: cause,
		After: fmt.Sprintf("release %d (%s) is back live and verified", back.ID, back.Name())}
}

// asCommand names the command that ran in an engine error: a rollback's
// update fails as "rollback staging failed", not "up staging failed".
func asCommand(err error, op string) error {
	var oe *OperationError
	if errors.As(err, &oe) {
		oe.Op = op
	}
	var ce *CancelledError
	if errors.As(err, &ce) {
		ce.Op = op
	}
	return err
}

// readInterruption adds to st an interruption nobody recovered from yet,
// and says in its problems what the next command will do.
func (s *Session) readInterruption(ctx context.Context, st *Status) {
	state, err := s.loadState(ctx)
	if err == nil {
		st.Interrupted, err = s.findInterruption(ctx, state)
	}
	if err != nil {
		st.Problems = append(st.Problems, fmt.Sprintf("read interruptions: %v", err))
		return
	}
	if in := st.Interrupted; in != nil {
		st.Problems = append(st.Problems, fmt.Sprintf("%s: what is served may not be release %d until the next %s (or rollback, promote) puts release %d (%s) back live",
			in.What(), in.Back.ID, s.Invocation().Command("up"), in.Back.ID, in.Back.Name()))
	}
}

// failedUpdate handles an engine update of a deploy that failed (not
// cancelled): a switch or canary update may have moved the listener or
// the alias before the resource that failed, so traffic may be on a
// release nobody verified while the release values in state name the old
// one. The last verified release goes back live the way an interruption's
// does; the error says so.
func (r *run) failedUpdate(ctx context.Context, kind string, cause error) error {
	if ctx.Err() != nil || !r.p.deployed || (kind != stepSwitch && kind != stepCanary) {
		return cause
	}
	op := r.opName()
	st, err := r.s.loadState(ctx)
	if err != nil {
		return errors.Join(cause, err)
	}
	back, ok := LiveRelease(st.releases)
	if !ok {
		return cause
	}
	in := &Interruption{Op: op, Pending: st.pending, Back: back}
	if err := r.s.recoverInterrupted(ctx, st, in, op); err != nil {
		return errors.Join(cause, err)
	}
	return &UpdateFailedError{Stack: r.s.Stack(), Op: op, Back: back, Err: asCommand(cause, op)}
}

func (r *run) opName() string {
	if r.kind == KindDeploy {
		return "up"
	}
	return r.kind
}

// UpdateFailedError is a deploy's switch update that failed; the last
// verified release was put back live.
type UpdateFailedError struct {
	Stack, Op string
	Back      Release
	Err       error
}

func (e *UpdateFailedError) Error() string {
	return fmt.Sprintf("%s; release %d (%s) is back live and verified", e.Err, e.Back.ID, e.Back.Name())
}

func (e *UpdateFailedError) Unwrap() error { return e.Err }
