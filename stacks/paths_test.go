package stacks

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The repro: frontendDir "." uploaded .kirikae/passphrase and
// .git/config; absolute and .. paths were accepted.
func TestLocalPathsStayInTheProject(t *testing.T) {
	tests := []struct {
		line, want string
	}{
		{`kirikae:frontendDir: "."`, `Pulumi.test.yaml:5: kirikae:frontendDir: "." is the project root itself`},
		{`kirikae:frontendDir: "./"`, `Pulumi.test.yaml:5: kirikae:frontendDir: "./" is the project root itself`},
		{`kirikae:frontendDir: /etc`, `Pulumi.test.yaml:5: kirikae:frontendDir: "/etc" is an absolute path`},
		{`kirikae:frontendDir: ../other/dist`, `Pulumi.test.yaml:5: kirikae:frontendDir: "../other/dist" leaves the project`},
		{`kirikae:frontendDir: .git`, `Pulumi.test.yaml:5: kirikae:frontendDir: ".git" goes through ".git"`},
		{`kirikae:lambdaArtifact: /tmp/fn.zip`, `Pulumi.test.yaml:5: kirikae:lambdaArtifact: "/tmp/fn.zip" is an absolute path`},
		{`kirikae:lambdaArtifact: app/../../x`, `Pulumi.test.yaml:5: kirikae:lambdaArtifact: "app/../../x" leaves the project`},
		{`kirikae:lambdaArtifact: .kirikae/passphrase`, `Pulumi.test.yaml:5: kirikae:lambdaArtifact: ".kirikae/passphrase" goes through ".kirikae"`},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got := problemsOf(t, stackYAML(tt.line))
			require.Len(t, got, 1)
			assert.True(t, strings.HasPrefix(got[0], tt.want), "got %q", got[0])
		})
	}
	assert.Nil(t, problemsOf(t, stackYAML("kirikae:frontendDir: web/dist", "kirikae:lambdaArtifact: s3://my-bucket/fn.zip")))
}

// A symlink inside the project that points out of it is reported with the
// stack file's line, like every other problem.
func TestLoadRefusesSymlinkOutOfProject(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "web"), 0o755))
	require.NoError(t, os.Symlink(outside, filepath.Join(dir, "web", "dist")))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.test.yaml"),
		[]byte(stackYAML("kirikae:frontendDir: web/dist")), 0o644))

	_, err := Load(dir, "test")
	var verr *ValidationError
	require.True(t, errors.As(err, &verr), "want *ValidationError, got %v", err)
	require.Len(t, verr.Problems, 1)
	p := verr.Problems[0]
	assert.Equal(t, KeyFrontendDir, p.Key)
	assert.Equal(t, 5, p.Line)
	assert.Contains(t, p.Message, "must stay inside the project")

	require.NoError(t, os.Remove(filepath.Join(dir, "web", "dist")))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "web", "dist"), 0o755))
	_, err = Load(dir, "test")
	assert.NoError(t, err)
}
