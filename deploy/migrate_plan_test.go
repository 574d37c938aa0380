package deploy

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kirikae/kirikae/stacks"
)

// A release migrates when it brings new code; rollbacks and releases that
// stage nothing (a no-op up, a frontend-only release) never do.
func TestAReleaseMigratesOnlyWhenItStagesNewCode(t *testing.T) {
	cfg := stacks.Config{Backend: stacks.BackendECS, MigrateCommand: "migrate", DBSchemaVersion: "2"}
	staged := []step{{kind: stepStage}, {kind: stepSwitch}}
	for _, tc := range []struct {
		name string
		p    Plan
		want bool
	}{
		{"deploy of a new image", Plan{Kind: KindDeploy, deployed: true, steps: staged, cfg: cfg}, true},
		{"promote of a new image", Plan{Kind: KindPromote, deployed: true, steps: staged, cfg: cfg}, true},
		{"first deploy", Plan{Kind: KindDeploy, steps: []step{{kind: stepApply}}, cfg: cfg}, true},
		{"rollback", Plan{Kind: KindRollback, deployed: true, steps: staged, cfg: cfg}, false},
		{"no-op up", Plan{Kind: KindDeploy, deployed: true, steps: []step{{kind: stepApply}}, cfg: cfg}, false},
		{"frontend only", Plan{Kind: KindDeploy, deployed: true, steps: []step{{kind: stepSwitch}}, cfg: cfg}, false},
		{"no migrate command", Plan{Kind: KindDeploy, deployed: true, steps: staged, cfg: stacks.Config{Backend: stacks.BackendECS}}, false},
	} {
		assert.Equal(t, tc.want, tc.p.migrates(), tc.name)
	}
	p := Plan{Kind: KindDeploy, deployed: true, steps: staged, cfg: cfg}
	assert.Equal(t, `runs "migrate" once, as a one-off task of the new task definition, before any traffic moves (schema 2)`, p.migrationPlan())
}

func TestARollbackCrossesTheMigrationsOfTheReleasesAfterItsTarget(t *testing.T) {
	rels := []Release{{ID: 6}, {ID: 5, Migrated: true}, {ID: 4}, {ID: 3, Migrated: true}, {ID: 2, Migrated: true}, {ID: 1}}
	assert.Equal(t, []int{3, 5}, migrationsSince(rels, 2))
	assert.Equal(t, []int{5}, migrationsSince(rels, 4))
	assert.Empty(t, migrationsSince(rels, 5))

	err := &SchemaChangeError{Stack: "staging", Target: 2, CurrentSchema: "3", TargetSchema: "1", Migrations: []int{3, 5}}
	assert.Equal(t, "rollback of staging to release 2 crosses the database migration of releases 3, 5 (schema 3 → 1)", err.Error())
	assert.Equal(t, "crosses the migration of release 5 (schema 2 → 2): the database is not rolled back; the old code runs on the migrated schema (--allow-schema-rollback)",
		crossingPlan([]int{5}, "2", "2"))
	assert.Empty(t, crossingPlan(nil, "2", "2"))
}

func TestAFailedMigrationNamesItsExitAndOutput(t *testing.T) {
	code := 3
	err := &MigrationError{Stack: "staging", Command: "migrate", ExitCode: &code, Output: "applying 0042\ncolumn exists"}
	assert.Equal(t, `migration "migrate" of staging: exit 3; output ends: applying 0042 ⏎ column exists`, err.Error())
	err = &MigrationError{Stack: "staging", Command: "migrate", StoppedReason: "CannotPullContainerError: pull access denied"}
	assert.Equal(t, `migration "migrate" of staging: it did not run to an exit code: CannotPullContainerError: pull access denied`, err.Error())
}
