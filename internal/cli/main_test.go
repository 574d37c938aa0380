package cli_test

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMain removes the kirikae binary the end-to-end tests built, and gives
// the package's sandbox accounts one bucket registry of their own instead
// of the user's.
func TestMain(m *testing.M) {
	shared := ""
	if os.Getenv("KIRIKAE_SANDBOX_SHARED") == "" {
		var err error
		if shared, err = os.MkdirTemp("", "kirikae-sandbox-shared-"); err != nil {
			panic(err)
		}
		os.Setenv("KIRIKAE_SANDBOX_SHARED", shared)
	}
	code := m.Run()
	if binPath != "" {
		_ = os.RemoveAll(filepath.Dir(binPath))
	}
	if shared != "" {
		_ = os.RemoveAll(shared)
	}
	os.Exit(code)
}
