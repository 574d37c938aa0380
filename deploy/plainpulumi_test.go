package deploy

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/stacks"
)

// A plain `pulumi up` is refused naming the kirikae command for the
// backend the CLI ran against; a preview is not.
func TestPlainUpIsRefusedNamingKirikaeUp(t *testing.T) {
	dir := t.TempDir()
	for backend, want := range map[string]string{
		PathsFor(dir, true).BackendURL(""):                      "`kirikae up --stack staging --sandbox`",
		SandboxBackendURL("http://127.0.0.1:4566", "us-east-1"): "`kirikae up --stack staging --sandbox`",
		PathsFor(dir, false).BackendURL(""):                     "`kirikae up --stack staging`",
		"":                                                      "`kirikae up --stack staging`",
		"s3://team-state":                                       "`kirikae up --stack staging --backend s3://team-state`",
	} {
		env := PlainProgramEnv{ProjectDir: dir, BackendURL: backend}
		assert.NoError(t, RefusePlainUp(env, "staging", true), "a preview runs")
		err := RefusePlainUp(env, "staging", false)
		var refused *PlainUpError
		require.ErrorAs(t, err, &refused)
		assert.Contains(t, err.Error(), "deploy with "+want, backend)
		assert.NotContains(t, err.Error(), "\n", "one line")
	}
}

// The plain program applies the release values live in the backend's
// state (the releaseValues output), not the repo file's first ones.
func TestPlainProgramAppliesTheLiveReleaseValues(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"Pulumi.yaml", "Pulumi.staging.yaml"} {
		raw, err := os.ReadFile(filepath.Join("..", name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), raw, 0o600))
	}
	state := filepath.Join(dir, "state")
	env := PlainProgramEnv{ProjectDir: dir, BackendURL: "file://" + state}

	cfg, err := plainConfig(context.Background(), env, "staging")
	require.NoError(t, err)
	assert.Equal(t, "r1", cfg.FrontendRelease, "never deployed: the repo file's values")

	project, err := stacks.ProjectName(dir)
	require.NoError(t, err)
	live := baseValues(cfg)
	live.FrontendRelease, live.Image = "r9", Image{Tag: "v7"}
	values, err := json.Marshal(live)
	require.NoError(t, err)
	checkpoint, err := json.Marshal(map[string]any{"version": 3, "checkpoint": map[string]any{"stack": "staging",
		"latest": map[string]any{"resources": []any{map[string]any{
			"urn":  "urn:pulumi:staging::" + project + "::pulumi:pulumi:Stack::" + project + "-staging",
			"type": "pulumi:pulumi:Stack", "outputs": map[string]any{OutputReleaseValues: string(values)}}}}}})
	require.NoError(t, err)
	p := filepath.Join(state, ".pulumi", "stacks", project, "staging.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
	require.NoError(t, os.WriteFile(p, checkpoint, 0o600))
	cfg, err = plainConfig(context.Background(), env, "staging")
	require.NoError(t, err)
	assert.Equal(t, "r9", cfg.FrontendRelease)
	assert.Equal(t, "v7", cfg.ImageTag)
}
