package engine

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The engine runs in a process group of its own: a terminal's Ctrl-C
// reaches kirikae only, which then interrupts the engine once
// (engineproc_linux.go).
func TestTheEngineRunsInItsOwnProcessGroup(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "pulumi")
	// Field 5 of /proc/PID/stat is the process group (proc(5)).
	script := "#!/bin/sh\ncut -d' ' -f5 /proc/$$/stat\n"
	require.NoError(t, os.WriteFile(bin, []byte(script), 0o755))
	out, _, code, err := pinnedCommand{path: bin}.Run(t.Context(), t.TempDir(), nil, nil, nil, nil, "version")
	require.NoError(t, err)
	require.Equal(t, 0, code)
	child, err := strconv.Atoi(strings.TrimSpace(out))
	require.NoError(t, err)
	ours, err := syscall.Getpgid(0)
	require.NoError(t, err)
	assert.NotEqual(t, ours, child, "the engine shares kirikae's process group, so a terminal's Ctrl-C reaches it twice")
}
