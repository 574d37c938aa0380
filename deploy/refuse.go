package deploy

import (
	"context"
	"errors"
	"fmt"

	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/journal"
)

// refuse records a release the preflight refused before anything was
// staged (an image built for another platform): a failed release in the
// log, so `releases` names it and why, and a failed operation in the
// journal. Nothing changed, so the release keeps the applied values (the
// previous release still serves) with the refused image named, as a
// release refused on the idle colour is recorded (recordRelease). cause is
// returned as it is, for its hint.
func (s *Session) refuse(ctx context.Context, kind string, st *stackState, want Values, cause error) error {
	op := kind
	if op == KindDeploy {
		op = "up"
	}
	return s.journaled(ctx, op, journal.Entry{Release: journalRelease(want, nil)}, func(end *journal.Entry) error {
		log, err := s.releases(ctx)
		if err != nil {
			return errors.Join(cause, err)
		}
		rel := s.newRelease(ctx, st.values, outputString(st.outputs, infra.OutputLambdaVersion), kind, VerifyFailed, "preflight: "+cause.Error())
		rel.ImageTag, rel.ImageDigest = want.Image.Tag, want.Image.Digest
		rel, err = log.append(ctx, rel)
		if err != nil {
			return errors.Join(cause, fmt.Errorf("record release of %s: %w", s.Stack(), err))
		}
		end.Release = journalRelease(Values{}, &rel)
		return cause
	})
}
