package lambdart_test

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/lambdart"
)

func makeZip(t *testing.T, entries map[string]os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fn.zip")
	f, err := os.Create(p)
	require.NoError(t, err)
	zw := zip.NewWriter(f)
	for name, mode := range entries {
		hdr := &zip.FileHeader{Name: name, Method: zip.Deflate}
		hdr.SetMode(mode)
		w, err := zw.CreateHeader(hdr)
		require.NoError(t, err)
		_, err = w.Write([]byte("#!/bin/sh\nexit 0\n"))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	require.NoError(t, f.Close())
	return p
}

func TestExtractKeepsHeaderModes(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, lambdart.Extract(makeZip(t, map[string]os.FileMode{"bootstrap": 0o755, "conf/app.json": 0o644}), dir))
	st, err := os.Stat(filepath.Join(dir, "bootstrap"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755), st.Mode().Perm())
	st, err = os.Stat(filepath.Join(dir, "conf", "app.json"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm())
}

func TestZipWithoutExecBitFailsLikeLambda(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, lambdart.Extract(makeZip(t, map[string]os.FileMode{"bootstrap": 0o644}), dir))
	f := lambdart.NewFunction(lambdart.FunctionOptions{TaskRoot: dir})
	_, err := f.Invoke(context.Background(), []byte(`{}`))
	var fe *lambdart.FunctionError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "Runtime.InvalidEntrypoint", fe.Type)
}

func TestExtractRefusesPathsOutsideTheRoot(t *testing.T) {
	err := lambdart.Extract(makeZip(t, map[string]os.FileMode{"../evil": 0o755}), t.TempDir())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "escapes")
}
