package deploy

import (
	"context"
	"errors"
	"os"
	"regexp"
	"time"

	"github.com/kirikae/kirikae/journal"
)

// Journal returns the stack's journal: what kirikae did to it, newest
// first, read from the backend beside the state.
func (s *Session) Journal(ctx context.Context, since time.Time) ([]journal.Record, error) {
	return s.journal().List(ctx, since, 0)
}

func (s *Session) journal() *journal.Journal {
	j := journal.Open(s.Store(), s.ProjectName(), s.Stack())
	j.Mask = maskSecrets
	return j
}

// urlCredentials matches the userinfo of a URL ("https://user:pw@host").
var urlCredentials = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@`)

// maskSecrets removes what must never be stored in the journal: URL
// credentials (webhook URLs carry them) in error texts.
func maskSecrets(s string) string { return urlCredentials.ReplaceAllString(s, "$1[redacted]@") }

// journaled runs fn as one journaled operation: the start entry is written
// first (fn does not run when that fails), the end entry after, with the
// outcome. fill adds what fn learned (release, changes) to the end entry.
func (s *Session) journaled(ctx context.Context, op string, start journal.Entry, fn func(end *journal.Entry) error) error {
	if s.ReadOnly() {
		// Previews and drift checks leave no trace in the journal.
		return fn(&journal.Entry{})
	}
	start.Op, start.Stack = op, s.Stack()
	start.OpID = s.takeLockOpID() // the id the deploy lock names ("" = a new one)
	if start.Commit == "" {
		start.Commit = s.commit(ctx)
	}
	o, err := s.journal().Start(ctx, start)
	if err != nil {
		return err
	}
	end := journal.Entry{}
	runErr := fn(&end)
	result := journal.ResultSucceeded
	switch {
	case errors.Is(runErr, context.Canceled) || (runErr != nil && ctx.Err() != nil):
		result = journal.ResultCancelled
	case runErr != nil:
		result = journal.ResultFailed
	}
	if endErr := o.End(ctx, result, runErr, func(e *journal.Entry) {
		if end.Release != nil {
			e.Release = end.Release
		}
		if end.Changes != nil {
			e.Changes = end.Changes
		}
		e.Note = end.Note
	}); endErr != nil {
		// The operation itself finished; its outcome stands. The missing
		// end reads as "interrupted" later, which is the safe reading.
		return errors.Join(runErr, endErr)
	}
	return runErr
}

// journalRelease describes release values for the journal.
func journalRelease(values Values, r *Release) *journal.Release {
	jr := &journal.Release{Values: values.Map()}
	if r != nil {
		jr.ID, jr.Name = r.ID, r.Name()
		jr.Values = r.Values.Map()
	}
	return jr
}

// inCI reports whether kirikae runs in a CI job: previews there are
// journaled (they are what reviewers approved), local ones are not.
func inCI() bool { return os.Getenv("CI") != "" || os.Getenv("GITHUB_ACTIONS") != "" }
