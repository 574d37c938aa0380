package deploy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/stacks"
)

// A plan file carries only what preview's flags set, bound to its change
// summary: an override a reviewer never chose, or an edit after the
// preview, is refused (exit 2) before anything is planned.
func TestPlanFileBindsItsOverridesAndChanges(t *testing.T) {
	dir := t.TempDir()
	save := func(pf deploy.PlanFile) string {
		p := filepath.Join(dir, "plan.json")
		require.NoError(t, deploy.SavePlan(p, pf))
		return p
	}
	good := deploy.PlanFile{Stack: "staging", LatestRelease: 3, ConfigHash: "c", ProgramHash: "p",
		Overrides: map[string]string{stacks.KeyImageTag: "v2", stacks.KeyFrontendRelease: "r2"},
		Changes:   map[string]int{"update": 2}}.Bound()
	loaded, err := deploy.LoadPlan(save(good))
	require.NoError(t, err)
	assert.Equal(t, good, loaded)

	var bad *deploy.PlanFileError
	edited := filepath.Join(dir, "plan.json")
	raw, err := os.ReadFile(save(good))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(edited, []byte(strings.Replace(string(raw), `"v2"`, `"v9"`, 1)), 0o600))
	_, err = deploy.LoadPlan(edited)
	require.ErrorAs(t, err, &bad)
	assert.Contains(t, err.Error(), "changed after its preview")

	for _, key := range []string{stacks.KeyActiveColor, stacks.KeyIdleImageTag, stacks.KeyLambdaArtifact} {
		sneaky := good
		sneaky.Overrides = map[string]string{stacks.KeyImageTag: "v2", key: "x"}
		_, err = deploy.LoadPlan(save(sneaky.Bound()))
		require.ErrorAs(t, err, &bad, key)
		assert.Contains(t, err.Error(), "the plan overrides "+key+", which no preview flag sets")
		assert.Implements(t, (*deploy.BadInput)(nil), err)
	}

	unbound := good
	unbound.Binding = ""
	_, err = deploy.LoadPlan(save(unbound))
	require.ErrorAs(t, err, &bad, "a plan without its binding")
}
