package view

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/kirikae/kirikae/journal"
)

func fixtureJournal() []journal.Record {
	t0 := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	up := journal.Entry{Op: "up", OpID: "a1", Time: t0, Stack: "staging", Who: "ci@runner", Host: "runner",
		CIRun:   "https://github.com/acme/shop/actions/runs/42",
		Release: &journal.Release{Name: "image v2, frontend r2"}}
	upEnd := up
	upEnd.Phase, upEnd.Result, upEnd.DurationMs = journal.PhaseEnd, journal.ResultSucceeded, 72000
	upEnd.Release = &journal.Release{ID: 6, Name: "image v2, frontend r2"}
	rb := journal.Entry{Op: "rollback", OpID: "b2", Time: t0.Add(time.Hour), Stack: "staging", Who: "dev@laptop"}
	rbEnd := rb
	rbEnd.Phase, rbEnd.Result, rbEnd.Error, rbEnd.DurationMs = journal.PhaseEnd, journal.ResultFailed, "verify api: status 503", 9000
	crashed := journal.Entry{Op: "destroy", OpID: "c3", Time: t0.Add(2 * time.Hour), Stack: "staging", Who: "dev@laptop"}
	return []journal.Record{
		{Start: crashed, Result: journal.ResultInterrupted},
		{Start: rb, End: &rbEnd, Result: journal.ResultFailed},
		{Start: up, End: &upEnd, Result: journal.ResultSucceeded},
	}
}

var cmdJournal = func(v View) error { return v.Journal("staging", fixtureJournal()) }

func init() {
	goldenCases = append(goldenCases,
		goldenCase{"human_journal", human(HumanOptions{}), cmdJournal},
		goldenCase{"json_journal", jsonView(JSONOptions{}), cmdJournal},
		goldenCase{"md_journal", markdown(mdOpts), cmdJournal},
	)
}

func TestJournalShowsInterruptedNeverAsSuccess(t *testing.T) {
	out, _ := render(t, goldenCase{"", human(HumanOptions{}), cmdJournal})
	assert.Contains(t, out, "interrupted")
	assert.Contains(t, out, "6 (image v2, frontend r2)")
	assert.Contains(t, out, "verify api: status 503")
	assert.Contains(t, out, "actions/runs/42")
}
