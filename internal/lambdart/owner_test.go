package lambdart

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
)

// The Runtime API listens where the host says: with the sandbox's owner
// listener, another local user cannot ask for the next invocation (an
// event can carry secrets), while this user's runtime can.
func TestRuntimeAPIServesOnlyItsOwner(t *testing.T) {
	s, err := Start(Options{Listen: core.ListenOwner})
	require.NoError(t, err)
	defer s.Close()
	port := s.Addr()[strings.LastIndex(s.Addr(), ":")+1:]
	// A raw request for the next event: the owner's connection is served
	// (it waits for an event, so the read times out with nothing, but the
	// connection stays open); another user's is closed at once.
	script := "exec 3<>/dev/tcp/127.0.0.1/" + port + "; printf 'GET " + apiPrefix + "/invocation/next HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n' >&3; timeout 2 cat <&3; echo \"rc=$?\""

	own, err := exec.Command("bash", "-c", script).Output()
	require.NoError(t, err)
	assert.Contains(t, string(own), "rc=124", "the owner's request is held open, waiting for an invocation")

	if os.Geteuid() != 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("missing in CI: root, to connect as another user (user nobody)")
		}
		t.Skip("needs root to connect as another user")
	}
	cmd := exec.Command("bash", "-c", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	start := time.Now()
	other, _ := cmd.Output()
	assert.NotContains(t, string(other), "rc=124", "user nobody's connection must be closed, not served: %s", other)
	assert.Less(t, time.Since(start), 2*time.Second)
}
