package deploy_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

// migrationsRun counts the migrations the stack's tasks logged: what ran
// in the sandbox's CloudWatch Logs, not what kirikae says it ran.
func migrationsRun(t *testing.T, dir string) int {
	t.Helper()
	cfg, err := stacks.Load(dir, "staging")
	require.NoError(t, err)
	msgs, err := account(t, dir).LogMessages(infra.LogGroupName(cfg), `"schema is up to date"`)
	require.NoError(t, err)
	return len(msgs)
}

// phaseIndex is where the first phase starting with prefix is, -1 if none.
func phaseIndex(phases []string, prefix string) int {
	return slices.IndexFunc(phases, func(p string) bool { return strings.HasPrefix(p, prefix) })
}

// kirikae:migrateCommand runs once per release of new code, as a one-off
// task of the new task definition, after the stage and before any traffic
// moves; never on a no-op up or a rollback. A migration that exits 3
// refuses its release before the switch, its output shown.
func TestMigrationRunsOncePerReleaseBeforeTheSwitch(t *testing.T) {
	t.Parallel()
	dir := testproject.Copy(t)
	setStackValue(t, dir, "staging", stacks.KeyTestListenerPort, `"9000"`)
	setStackValue(t, dir, "staging", stacks.KeyVerifyAttempts, `"2"`)
	putStackValue(t, dir, "staging", stacks.KeyMigrateCommand, "migrate")
	var phases []string
	s := openDeploy(t, dir, "staging", &phases)

	// The first deploy migrates the empty database (the example server's
	// migrate command).
	first := deployImage(t, s, "v1")
	assert.True(t, first.Release.Migrated)
	assert.Equal(t, 1, migrationsRun(t, dir))

	// A release of new code migrates once, between its stage and the flip.
	setStackValue(t, dir, "staging", stacks.KeyDBSchemaVersion, `"2"`)
	require.NoError(t, pushImage(context.Background(), s, "v2"))
	plan, err := s.PlanDeploy(context.Background(), deploy.DeployRequest{Overrides: map[string]string{stacks.KeyImageTag: "v2"}})
	require.NoError(t, err)
	assert.Contains(t, plan.Migration, `runs "migrate" once`, "the plan says so")
	phases = nil
	res, err := s.Deploy(context.Background(), plan, deploy.DeployOptions{})
	require.NoError(t, err)
	assert.True(t, res.Release.Migrated)
	assert.Equal(t, "2", res.Release.DBSchemaVersion)
	assert.Equal(t, 2, migrationsRun(t, dir))
	stage, migrate := phaseIndex(phases, "stage: "), phaseIndex(phases, "migrate: migrate as a one-off task")
	logged, switched := phaseIndex(phases, "migrate | migrate: release v2: database schema is up to date"), phaseIndex(phases, "switch: ")
	require.True(t, stage >= 0 && migrate >= 0 && logged >= 0 && switched >= 0, "%v", phases)
	assert.Less(t, stage, migrate)
	assert.Less(t, migrate, logged, "the task's log lines stream into the output")
	assert.Less(t, logged, switched, "migrated before any traffic moved")
	recs, err := s.Journal(context.Background(), time.Time{})
	require.NoError(t, err)
	assert.Contains(t, recs[0].End.Note, `migrated: "migrate" exited 0 (schema 2`)

	// A no-op up stages nothing and migrates nothing.
	phases = nil
	_, err = deployWith(s, nil)
	require.NoError(t, err)
	assert.Equal(t, -1, phaseIndex(phases, "migrate"), "%v", phases)
	assert.Equal(t, 2, migrationsRun(t, dir))

	// A rollback across the migration is refused without the flag, and
	// never migrates with it; its plan says what it crosses.
	_, err = s.PlanRollback(context.Background(), deploy.RollbackRequest{To: "1"})
	var sc *deploy.SchemaChangeError
	require.ErrorAs(t, err, &sc)
	assert.Equal(t, []int{2}, sc.Migrations)
	rb, err := s.PlanRollback(context.Background(), deploy.RollbackRequest{To: "1", AllowSchemaRollback: true})
	require.NoError(t, err)
	assert.Contains(t, rb.Migration, "crosses the migration of release 2")
	phases = nil
	back, err := s.Deploy(context.Background(), rb, deploy.DeployOptions{Kind: deploy.KindRollback})
	require.NoError(t, err)
	assert.False(t, back.Release.Migrated)
	assert.Equal(t, -1, phaseIndex(phases, "migrate"), "%v", phases)
	assert.Equal(t, 2, migrationsRun(t, dir))
	_, v := served(t, dir, s, infra.OutputURL, "/version")
	require.Equal(t, "v1", v)

	// A migration that exits 3 refuses its release before the switch.
	pushProgram(t, dir, "staging", "v3-migrate3", workloadPkg, "v3-migrate3")
	phases = nil
	_, err = deployWith(s, map[string]string{stacks.KeyImageTag: "v3-migrate3"})
	var me *deploy.MigrationError
	require.ErrorAs(t, err, &me, "got %v", err)
	require.NotNil(t, me.ExitCode)
	assert.Equal(t, 3, *me.ExitCode)
	assert.Contains(t, me.Output, "column orders.total already exists", "its output is in the error")
	assert.Contains(t, phases, "migrate | migrate: 0042_add_orders: column orders.total already exists", "and shown as it ran")
	assert.Equal(t, -1, phaseIndex(phases, "switch: "), "nothing switched: %v", phases)
	var vf *deploy.VerifyFailedError
	require.ErrorAs(t, err, &vf)
	assert.Equal(t, "migrate", vf.Check)
	rels, err := s.Releases(context.Background())
	require.NoError(t, err)
	// Newest first: the staged colour put back, then the refused release.
	require.GreaterOrEqual(t, len(rels), 2)
	assert.Equal(t, deploy.KindAutoRollback, rels[0].Kind)
	assert.Equal(t, deploy.VerifyFailed, rels[1].Verified)
	assert.Equal(t, "v3-migrate3", rels[1].ImageTag)
	assert.Contains(t, rels[1].Reason, "migrate: migration \"migrate\" of staging: exit 3")
	assert.False(t, rels[1].Migrated)
	_, v = served(t, dir, s, infra.OutputURL, "/version")
	assert.Equal(t, "v1", v, "the previous release still serves")
}
