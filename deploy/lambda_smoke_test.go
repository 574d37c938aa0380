package deploy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
)

// On Lambda the version a release publishes is migrated (invoked with a
// migration event) and smoke-checked (invoked with HTTP API events) before
// alias live moves to it; a failing check leaves the alias where it was.
func TestLambdaVersionIsMigratedAndCheckedBeforeTheAliasMoves(t *testing.T) {
	t.Parallel()
	dir, lambdaBuild := lambdaProject(t)
	setStackValue(t, dir, "staging", stacks.KeyVerifyAttempts, `"2"`)
	putStackValue(t, dir, "staging", stacks.KeySmokeChecks, `["GET /api/hello 200 hello"]`)
	putStackValue(t, dir, "staging", stacks.KeyMigrateCommand, "migrate")
	var phases []string
	s := openDeploy(t, dir, "staging", &phases)
	lambdaBuild("r1")
	first, err := deployWith(s, nil)
	require.NoError(t, err)
	assert.True(t, first.Release.Migrated)
	assert.Contains(t, phases, "migrate | migrate: release r1: database schema is up to date")

	lambdaBuild("r2")
	phases = nil
	res, err := deployWith(s, nil)
	require.NoError(t, err)
	assert.True(t, res.Release.Migrated)
	migrated := phaseIndex(phases, "migrate | migrate: release r2")
	checked := phaseIndex(phases, "smoke: 1 check on version 2 before alias live moves")
	switched := phaseIndex(phases, "switch: ")
	require.True(t, migrated >= 0 && checked >= 0 && switched >= 0, "%v", phases)
	assert.Less(t, migrated, checked)
	assert.Less(t, checked, switched, "checked before the alias moved")
	_, v := served(t, dir, s, infra.OutputURL, "/version")
	assert.Equal(t, "r2", v)

	// A check version 3 fails: refused before the alias moves.
	putStackValue(t, dir, "staging", stacks.KeySmokeChecks, `["GET /api/hello 200 goodbye"]`)
	lambdaBuild("r3")
	phases = nil
	_, err = deployWith(s, nil)
	var vf *deploy.VerifyFailedError
	require.ErrorAs(t, err, &vf, "got %v", err)
	assert.Equal(t, "smoke GET /api/hello", vf.Check)
	assert.Contains(t, vf.Reason, `want a body containing "goodbye"`)
	assert.Equal(t, -1, phaseIndex(phases, "switch: "), "the alias never moved: %v", phases)
	_, v = served(t, dir, s, infra.OutputURL, "/version")
	assert.Equal(t, "r2", v)
}
