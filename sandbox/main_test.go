package sandbox

import (
	"os"
	"testing"

	"github.com/kirikae/kirikae/sandbox/core"
)

// TestMain keeps the tests' bucket names out of the user's machine-wide
// registry: the package's accounts share one of their own.
func TestMain(m *testing.M) {
	cleanup, err := core.IsolateShared()
	if err != nil {
		panic(err)
	}
	code := m.Run()
	cleanup()
	os.Exit(code)
}
