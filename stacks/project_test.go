package stacks

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProjectNameIsPulumiYamlsName(t *testing.T) {
	name, err := ProjectName("..")
	require.NoError(t, err)
	assert.True(t, ValidServiceName(name), name)

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: shop\nruntime: go\n"), 0o644))
	name, err = ProjectName(dir)
	require.NoError(t, err)
	assert.Equal(t, "shop", name)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("runtime: go\n"), 0o644))
	_, err = ProjectName(dir)
	assert.EqualError(t, err, "read project file Pulumi.yaml: it has no name")
}
