package projectfs

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckRel(t *testing.T) {
	for _, ok := range []string{"web/dist", "app/lambda", "./web/dist", "dist/bundle.zip"} {
		assert.NoError(t, CheckRel(ok), ok)
	}
	for _, bad := range []string{"", ".", "./", "/etc", "..", "../x", "web/../../x", ".git", "web/.kirikae", ".kirikae/passphrase", "x/CVS"} {
		assert.Error(t, CheckRel(bad), bad)
	}
}

func write(t *testing.T, path, body string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
}

func TestResolveRefusesSymlinkOutOfProject(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	write(t, filepath.Join(root, "web/dist/index.html"), "ok")
	require.NoError(t, os.Symlink(outside, filepath.Join(root, "out")))
	require.NoError(t, os.Symlink(root, filepath.Join(root, "self")))

	got, err := Resolve(root, "web/dist")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(root, "web/dist"), got)
	_, err = Resolve(root, "not/built/yet")
	assert.NoError(t, err, "a path that does not exist yet is checked up to its existing parent")

	var esc *EscapeError
	_, err = Resolve(root, "out")
	assert.ErrorAs(t, err, &esc)
	_, err = Resolve(root, "out/sub/dir")
	assert.ErrorAs(t, err, &esc, "a missing path under an escaping symlink still escapes")
	_, err = Resolve(root, "self")
	assert.ErrorAs(t, err, &esc, "a symlink to the project root is the root itself")
}

func TestFilesSkipsHiddenAndRefusesEscapes(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "index.html"), "ok")
	write(t, filepath.Join(dir, "assets/app.js"), "ok")
	write(t, filepath.Join(dir, ".env"), "SECRET=1")
	write(t, filepath.Join(dir, ".git/config"), "token")
	write(t, filepath.Join(dir, "assets/.kirikae/passphrase"), "pw")
	require.NoError(t, os.Symlink(filepath.Join(dir, "index.html"), filepath.Join(dir, "alias.html")))

	files, err := Files(dir)
	require.NoError(t, err)
	var rels []string
	for _, f := range files {
		rels = append(rels, f.Rel)
	}
	assert.Equal(t, []string{"alias.html", "assets/app.js", "index.html"}, rels)

	outside := t.TempDir()
	write(t, filepath.Join(outside, "secret"), "s")
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "leak.txt")))
	_, err = Files(dir)
	var esc *EscapeError
	assert.ErrorAs(t, err, &esc)
	require.NoError(t, os.Remove(filepath.Join(dir, "leak.txt")))

	require.NoError(t, os.Symlink(filepath.Join(dir, ".env"), filepath.Join(dir, "env.txt")))
	_, err = Files(dir)
	assert.ErrorContains(t, err, "hidden")
}
