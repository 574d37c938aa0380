package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// One read of the state has the outputs and the resources a targeted
// update names; a resource awaiting deletion is not one of them.
func TestStateReadsOutputsAndResources(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".pulumi", "stacks", "kirikae", "staging.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
	require.NoError(t, os.WriteFile(p, []byte(`{"version":3,"checkpoint":{"stack":"staging","latest":{"resources":[
	  {"urn":"urn:pulumi:staging::kirikae::pulumi:pulumi:Stack::kirikae-staging","type":"pulumi:pulumi:Stack","outputs":{"imageTag":"v7"}},
	  {"urn":"urn:l","type":"aws:lb/listener:Listener"},
	  {"urn":"urn:old","type":"aws:lb/listener:Listener","delete":true}]}}}`), 0o600))
	s := &Session{opts: Options{Stack: "staging"}, ws: &quietWorkspace{files: dirFiles(t, dir), project: "kirikae"}}
	st, err := s.State(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "v7", st.Outputs["imageTag"].Value)
	assert.Equal(t, []StateResource{
		{URN: "urn:pulumi:staging::kirikae::pulumi:pulumi:Stack::kirikae-staging", Type: "pulumi:pulumi:Stack"},
		{URN: "urn:l", Type: "aws:lb/listener:Listener"},
	}, st.Resources)
}
