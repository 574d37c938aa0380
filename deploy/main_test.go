package deploy_test

import (
	"os"
	"testing"

	"github.com/kirikae/kirikae/sandbox"
)

// TestMain gives the package's sandbox accounts one bucket registry of
// their own, as the accounts of one machine share one, instead of the
// user's.
func TestMain(m *testing.M) {
	cleanup, err := sandbox.IsolateShared()
	if err != nil {
		panic(err)
	}
	code := m.Run()
	cleanup()
	os.Exit(code)
}
