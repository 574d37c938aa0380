package cli_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kirikae/kirikae/sandbox"
)

// TestMain removes the kirikae binary the end-to-end tests built, and gives
// the package's sandbox accounts one bucket registry of their own instead
// of the user's.
func TestMain(m *testing.M) {
	cleanup, err := sandbox.IsolateShared()
	if err != nil {
		panic(err)
	}
	code := m.Run()
	if binPath != "" {
		_ = os.RemoveAll(filepath.Dir(binPath))
	}
	cleanup()
	os.Exit(code)
}
