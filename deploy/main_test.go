package deploy_test

import (
	"os"
	"testing"
)

// TestMain gives the package's sandbox accounts one bucket registry of
// their own, as the accounts of one machine share one, instead of the
// user's.
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
