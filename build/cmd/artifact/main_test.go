package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUsageErrors(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), nil, &out, &errOut)
	assert.ErrorIs(t, err, errUsage)
	assert.Contains(t, errOut.String(), "commands:")

	err = run(context.Background(), []string{"deploy"}, &out, &errOut)
	assert.ErrorIs(t, err, errUsage)
}

func TestFrontendCommand(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(src, "index.html"), []byte(`<script src="a.js"></script>`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(src, "a.js"), []byte(`1`), 0o644))
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"frontend", "-src", src, "-out", dst}, &out, &out))
	assert.Contains(t, out.String(), "wrote 2 files")
	entries, err := os.ReadDir(dst)
	require.NoError(t, err)
	assert.Len(t, entries, 2)
}

func TestBadVersionFailsBeforeBuilding(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"lambda", "-version", "has space", "-out", filepath.Join(t.TempDir(), "f.zip")}, &out, &out)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "invalid version")
}
