package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
)

// A release's database migration (kirikae:migrateCommand) runs once, as a
// step of the release, after the new code is staged and before it takes
// any traffic: on ECS a one-off task of the new task definition with the
// command overridden (`aws ecs run-task --overrides`), the way Copilot and
// Rails-on-ECS teams migrate. A non-zero exit refuses the release before
// anything switches. The release records that it migrated, and to which
// kirikae:dbSchemaVersion, so a rollback across it is refused unless
// --allow-schema-rollback (the database is not rolled back with the code:
// expand, then contract).
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html

// MigrationError is a migration that did not exit 0.
type MigrationError struct {
	Stack   string
	Command string
	Task    string
	// ExitCode is nil when the container never ran (StoppedReason says
	// why: an image pull, a timeout).
	ExitCode      *int
	StoppedReason string
	// Output is the end of what the migration printed.
	Output string
}

func (e *MigrationError) Error() string {
	why := "exit " + fmt.Sprint(deref(e.ExitCode))
	if e.ExitCode == nil {
		why = "it did not run to an exit code: " + e.StoppedReason
	}
	msg := fmt.Sprintf("migration %q of %s: %s", e.Command, e.Stack, why)
	if e.Output != "" {
		msg += "; output ends: " + strings.ReplaceAll(e.Output, "\n", " ⏎ ")
	}
	return msg
}

// Hint says where the full output is.
func (e *MigrationError) Hint(inv Invocation) string {
	return fmt.Sprintf("nothing switched; the migration's output is above and in the service's logs (`%s`); fix it and deploy again", inv.For(e.Stack).Command("logs"))
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// migrates reports whether applying p runs the migration: a release of new
// code (a staged image, or the stack's first deploy) with a migrate
// command. Rollbacks never migrate; a no-op up stages nothing.
func (p *Plan) migrates() bool {
	if p.cfg.MigrateCommand == "" || p.Kind == KindRollback {
		return false
	}
	if !p.deployed {
		return true
	}
	for _, st := range p.steps {
		if st.kind == stepStage {
			return true
		}
	}
	return false
}

// migrationPlan says in the plan what the release does to the database.
func (p *Plan) migrationPlan() string {
	switch {
	case p.migrates() && p.cfg.Backend == stacks.BackendLambda:
		return fmt.Sprintf("runs %q once, by invoking the newly published version with a migration event, before alias live moves (schema %s)",
			p.cfg.MigrateCommand, orNone(p.cfg.DBSchemaVersion))
	case p.migrates():
		return fmt.Sprintf("runs %q once, as a one-off task of the new task definition, before any traffic moves (schema %s)",
			p.cfg.MigrateCommand, orNone(p.cfg.DBSchemaVersion))
	}
	return ""
}

// migrate runs the migration when the step just applied staged new code
// (or was the first deploy). Its output goes to up's output as it runs.
func (r *run) migrate(ctx context.Context, st step) error {
	if !r.p.migrates() || r.migrated || (st.kind != stepStage && !(st.kind == stepApply && !r.p.deployed)) {
		return nil
	}
	cfg, outs := r.p.cfg, r.last.Outputs
	if cfg.Backend == stacks.BackendLambda {
		return r.migrateLambda(ctx)
	}
	svc, td := infra.OutputIdleService, infra.OutputIdleTaskDefinition
	if !r.p.deployed {
		svc, td = infra.OutputActiveService, infra.OutputActiveTaskDefinition
	}
	c, err := r.s.cloudAPI(ctx)
	if err != nil {
		return err
	}
	task := cloud.OneOffTask{
		Cluster: outputString(outs, infra.OutputClusterName), Service: outputString(outs, svc),
		TaskDefinition: outputString(outs, td), Command: strings.Fields(cfg.MigrateCommand),
		StartedBy: "kirikae-migrate",
	}
	r.s.Phase("migrate: %s as a one-off task of %s", cfg.MigrateCommand, shortARN(task.TaskDefinition))
	var lines []string
	res, err := c.RunTask(ctx, task, cfg.MigrateTimeout, func(line string) {
		lines = append(lines, line)
		r.s.Phase("migrate | %s", line)
	})
	if err != nil {
		return fmt.Errorf("migrate %s: %w", r.s.Stack(), err)
	}
	if res.ExitCode == nil || *res.ExitCode != 0 {
		return &MigrationError{Stack: r.s.Stack(), Command: cfg.MigrateCommand, Task: res.TaskARN,
			ExitCode: res.ExitCode, StoppedReason: res.StoppedReason,
			Output: tail(strings.Join(lastLines(strings.Join(lines, "\n"), 20), "\n"), smokeOutputTail)}
	}
	r.migrated = true
	r.note(fmt.Sprintf("migrated: %q exited 0 (schema %s, task %s)", cfg.MigrateCommand, orNone(cfg.DBSchemaVersion), shortARN(res.TaskARN)))
	r.s.Phase("migrate: ok (schema %s)", orNone(cfg.DBSchemaVersion))
	return nil
}

// MigrateEvent is the event a Lambda version is invoked with to run the
// migration (app/cmd/lambda answers it with a MigrateResult).
type MigrateEvent struct {
	Migrate []string `json:"kirikaeMigrate"`
}

// MigrateResult is a Lambda migration's answer.
type MigrateResult struct {
	ExitCode int    `json:"exitCode"`
	Output   string `json:"output"`
}

// migrateLambda invokes the version the stage published (nothing when it
// published none: the code did not change) with a MigrateEvent.
// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
func (r *run) migrateLambda(ctx context.Context) error {
	cfg := r.p.cfg
	version := outputString(r.last.Outputs, infra.OutputLambdaLatestVersion)
	if version == "" || version == r.p.liveLambda {
		return nil
	}
	c, err := r.s.cloudAPI(ctx)
	if err != nil {
		return err
	}
	r.s.Phase("migrate: %s by invoking version %s", cfg.MigrateCommand, version)
	payload, err := json.Marshal(MigrateEvent{Migrate: strings.Fields(cfg.MigrateCommand)})
	if err != nil {
		return fmt.Errorf("migrate %s: %w", r.s.Stack(), err)
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.MigrateTimeout)
	defer cancel()
	out, err := c.Invoke(ctx, infra.FunctionName(cfg), version, payload)
	var res MigrateResult
	if err == nil {
		err = json.Unmarshal(out, &res)
	}
	if err != nil {
		// The function failed (or answered something else): no exit code.
		return &MigrationError{Stack: r.s.Stack(), Command: cfg.MigrateCommand, Task: "version " + version,
			StoppedReason: err.Error()}
	}
	text := strings.TrimRight(res.Output, "\n")
	for _, line := range lastLines(text, 40) {
		r.s.Phase("migrate | %s", line)
	}
	if res.ExitCode != 0 {
		code := res.ExitCode
		return &MigrationError{Stack: r.s.Stack(), Command: cfg.MigrateCommand, Task: "version " + version,
			ExitCode: &code, Output: tail(strings.Join(lastLines(text, 20), "\n"), smokeOutputTail)}
	}
	r.migrated = true
	r.note(fmt.Sprintf("migrated: %q exited 0 (schema %s, version %s)", cfg.MigrateCommand, orNone(cfg.DBSchemaVersion), version))
	r.s.Phase("migrate: ok (schema %s)", orNone(cfg.DBSchemaVersion))
	return nil
}

// isMigrationError is what fail records as the release's failed check.
func isMigrationError(err error) (*MigrationError, bool) {
	var me *MigrationError
	return me, errors.As(err, &me)
}

// migrationsSince lists, oldest first, the releases newer than target that
// ran a migration: a rollback to target runs old code on their schema.
func migrationsSince(releases []Release, target int) []int {
	var out []int
	for _, r := range releases { // newest first
		if r.ID > target && r.Migrated {
			out = append([]int{r.ID}, out...)
		}
	}
	return out
}

// crossingPlan is what a rollback plan says about the migrations it
// crosses (only planned with --allow-schema-rollback).
func crossingPlan(crossed []int, cur, target string) string {
	if len(crossed) == 0 && cur == target {
		return ""
	}
	what := "a schema change"
	if len(crossed) > 0 {
		what = "the migration of " + releaseList(crossed)
	}
	return fmt.Sprintf("crosses %s (schema %s → %s): the database is not rolled back; the old code runs on the migrated schema (--allow-schema-rollback)",
		what, orNone(cur), orNone(target))
}

func releaseList(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	if len(ids) == 1 {
		return "release " + s[0]
	}
	return "releases " + strings.Join(s, ", ")
}
