package sandbox

import (
	"os"
	"testing"
)

// TestMain keeps the tests' bucket names out of the user's machine-wide
// registry: the package's accounts share one of their own.
func TestMain(m *testing.M) {
	os.Exit(runShared(m))
}

func runShared(m *testing.M) int {
	if os.Getenv("KIRIKAE_SANDBOX_SHARED") == "" {
		dir, err := os.MkdirTemp("", "kirikae-sandbox-shared-")
		if err != nil {
			panic(err)
		}
		defer os.RemoveAll(dir)
		os.Setenv("KIRIKAE_SANDBOX_SHARED", dir)
	}
	return m.Run()
}
