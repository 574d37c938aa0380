package notify

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCIRunURL(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	base := map[string]string{
		"GITHUB_SERVER_URL": "https://github.com",
		"GITHUB_REPOSITORY": "acme/shop",
		"GITHUB_RUN_ID":     "42",
	}
	assert.Equal(t, "https://github.com/acme/shop/actions/runs/42", ciRunURL(env(base)))
	base["GITHUB_RUN_ATTEMPT"] = "1"
	assert.Equal(t, "https://github.com/acme/shop/actions/runs/42", ciRunURL(env(base)))
	base["GITHUB_RUN_ATTEMPT"] = "3"
	assert.Equal(t, "https://github.com/acme/shop/actions/runs/42/attempts/3", ciRunURL(env(base)))
	assert.Empty(t, ciRunURL(env(map[string]string{"GITHUB_RUN_ID": "42"})), "outside Actions")

	t.Setenv("GITHUB_SERVER_URL", "https://ghe.example.com/")
	t.Setenv("GITHUB_REPOSITORY", "team/app")
	t.Setenv("GITHUB_RUN_ID", "7")
	t.Setenv("GITHUB_RUN_ATTEMPT", "")
	assert.Equal(t, "https://ghe.example.com/team/app/actions/runs/7", CIRunURL())
}

func TestEveryKindReadsAndClassifies(t *testing.T) {
	want := map[Kind]Outcome{
		DeployStarted: OutcomeInfo, DeploySucceeded: OutcomeSuccess, DeployFailed: OutcomeFailure,
		VerifyFailed: OutcomeFailure, RolledBackAutomatic: OutcomeWarning, RolledBackManual: OutcomeWarning,
		Promoted: OutcomeSuccess, AlarmFired: OutcomeFailure, DriftFound: OutcomeWarning,
	}
	assert.Len(t, Kinds, len(want))
	for _, k := range Kinds {
		assert.NotEqual(t, string(k), k.Summary(), "kind %s has words", k)
		assert.Equal(t, want[k], Event{Kind: k}.Outcome(), "kind %s", k)
	}
}

func TestTitleAndChanges(t *testing.T) {
	e := sampleEvent()
	assert.Equal(t, "staging: deploy failed (release 7, image v3, frontend r2)", e.Title())
	e.ReleaseName = ""
	assert.Equal(t, "staging: deploy failed (release 7)", e.Title())
	e.ReleaseID = 0
	assert.Equal(t, "staging: deploy failed", e.Title())

	e.Changes = map[string]int{"delete": 1, "zap": 2, "create": 3, "same": 0, "replace": 1}
	assert.Equal(t, "create 3, replace 1, delete 1, zap 2", e.ChangeSummary())
	e.Changes = nil
	assert.Equal(t, "no changes", e.ChangeSummary())
}
