package view

import (
	"time"

	"github.com/kirikae/kirikae/deploy"
)

// Plan writes the release plan ("kind":"plan" in stream mode).
func (j *JSON) Plan(p *deploy.Plan) error {
	if p == nil {
		return errNilResult
	}
	return j.emit("plan", newPlanJSON(p))
}

// Deployed writes what went live ("kind":"deployed" in stream mode).
func (j *JSON) Deployed(r *deploy.DeployResult) error {
	if r == nil {
		return errNilResult
	}
	return j.emit("deployed", newDeployedJSON(r))
}

// Releases writes the stack's releases, newest first.
func (j *JSON) Releases(stack string, rows []ReleaseRow) error {
	doc := &releasesDoc{Stack: stack, Releases: make([]releaseJSON, 0, len(rows))}
	for _, r := range rows {
		rj := newReleaseJSON(r.Release)
		rj.RollbackCommand = r.RollbackCommand
		rj.Live = r.Live
		doc.Releases = append(doc.Releases, rj)
	}
	return j.emit("releases", doc)
}

type releaseJSON struct {
	ID              int               `json:"id"`
	Live            bool              `json:"live,omitempty"`
	Kind            string            `json:"kind"`
	Verified        string            `json:"verified"`
	Reason          string            `json:"reason,omitempty"`
	When            *time.Time        `json:"when"`
	Who             string            `json:"who,omitempty"`
	Commit          string            `json:"commit,omitempty"`
	ImageTag        string            `json:"imageTag,omitempty"`
	LambdaVersion   string            `json:"lambdaVersion,omitempty"`
	FrontendRelease string            `json:"frontendRelease,omitempty"`
	ActiveColor     string            `json:"activeColor,omitempty"`
	DBSchemaVersion string            `json:"dbSchemaVersion,omitempty"`
	Migrated        bool              `json:"migrated,omitempty"`
	ConfigHash      string            `json:"configHash"`
	Values          map[string]string `json:"values"`
	RollbackCommand string            `json:"rollbackCommand,omitempty"`
	// Artifacts: what passed verification, as promote re-checks it.
	Artifacts *deploy.VerifiedArtifacts `json:"verifiedArtifacts,omitempty"`
}

func newReleaseJSON(r deploy.Release) releaseJSON {
	values := r.Values.Map()
	return releaseJSON{ID: r.ID, Kind: r.Kind, Verified: r.Verified, Reason: r.Reason, When: utc(r.When),
		Who: r.Who, Commit: r.Commit, ImageTag: r.ImageTag, LambdaVersion: r.LambdaVersion,
		FrontendRelease: r.FrontendRelease, ActiveColor: r.ActiveColor, DBSchemaVersion: r.DBSchemaVersion,
		Migrated: r.Migrated, ConfigHash: r.ConfigHash, Values: values, Artifacts: r.Artifacts}
}

type releasesDoc struct {
	docKind
	Stack    string        `json:"stack"`
	Releases []releaseJSON `json:"releases"`
}

type planJSON struct {
	docKind
	Stack string `json:"stack"`
	Plan  string `json:"plan"` // deploy | rollback | promote
	// First: the stack's first deploy; nothing switches, nothing to undo.
	First           bool              `json:"first,omitempty"`
	Current         map[string]string `json:"current"`
	Target          map[string]string `json:"target"`
	Switches        []string          `json:"switches"`
	Replaces        []string          `json:"replaces"`
	Downtime        string            `json:"downtime"`
	RollbackCommand string            `json:"rollbackCommand,omitempty"`
	Fast            bool              `json:"fast"`
	Targets         []string          `json:"targets"`
	// Basis: what a plan made without an engine preview was computed from
	// (a switch-only rollback); "" when the engine previewed it.
	Basis string `json:"basis,omitempty"`
	// Migration: what applying the plan does to the database (a release's
	// migration, the migrations a rollback crosses); "" for nothing.
	Migration string       `json:"migration,omitempty"`
	From      *releaseJSON `json:"from,omitempty"`
	Preview   *resultJSON  `json:"preview,omitempty"`
}

func newPlanJSON(p *deploy.Plan) *planJSON {
	doc := &planJSON{Stack: p.Stack, Plan: p.Kind, First: p.First, Current: p.Current.Map(), Target: p.Target.Map(),
		Switches: append([]string{}, p.Switches...), Replaces: []string{}, Downtime: p.Downtime,
		RollbackCommand: p.RollbackCommand, Fast: p.Fast, Targets: append([]string{}, p.Targets...), Basis: p.Basis,
		Migration: p.Migration}
	for _, r := range p.Replaces {
		doc.Replaces = append(doc.Replaces, r.URN)
	}
	if p.From != nil {
		f := newReleaseJSON(*p.From)
		doc.From = &f
	}
	if p.Preview != nil {
		doc.Preview = newResultJSON(p.Preview)
	}
	return doc
}

type checkJSON struct {
	Name     string `json:"name"`
	URL      string `json:"url"`
	OK       bool   `json:"ok"`
	Status   int    `json:"status"`
	Version  string `json:"version,omitempty"`
	Attempts int    `json:"attempts"`
	Error    string `json:"error,omitempty"`
}

type deployedJSON struct {
	docKind
	Stack      string                `json:"stack"`
	Deploy     string                `json:"deploy"` // deploy | rollback | promote
	Release    releaseJSON           `json:"release"`
	Updates    int                   `json:"updates"`
	Touched    int                   `json:"touched"`
	Changes    map[string]int        `json:"changes"`
	DurationMs int64                 `json:"durationMs"`
	Checks     []checkJSON           `json:"checks"`
	Pruned     []string              `json:"pruned"`
	Outputs    map[string]outputJSON `json:"outputs"`
	// AlarmsBefore: alarms in ALARM before the deploy, not blamed on it.
	AlarmsBefore []string `json:"alarmsBefore,omitempty"`
}

func newDeployedJSON(r *deploy.DeployResult) *deployedJSON {
	doc := &deployedJSON{Stack: r.Stack, Deploy: r.Kind, Release: newReleaseJSON(r.Release), Updates: r.Updates,
		Touched: r.Touched, Changes: orEmptyCounts(r.Changes), DurationMs: r.Duration.Milliseconds(), Checks: []checkJSON{},
		Pruned: append([]string{}, r.Pruned...), Outputs: map[string]outputJSON{}, AlarmsBefore: r.AlarmsBefore}
	for _, c := range r.Checks {
		doc.Checks = append(doc.Checks, checkJSON{Name: c.Check.Name, URL: c.Check.URL + c.Check.Path, OK: c.OK,
			Status: c.Status, Version: c.Version, Attempts: c.Attempts, Error: c.Err})
	}
	if r.Result != nil {
		doc.Outputs = newOutputsJSON(r.Result.Outputs)
	}
	return doc
}

func orEmptyCounts(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}
