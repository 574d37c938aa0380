package sandbox

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecr"
	"github.com/kirikae/kirikae/sandbox/frontdoor"
	"github.com/kirikae/kirikae/sandbox/workload"
)

// lanAddress is an IPv4 address of this machine other than loopback: where
// another machine of the network would connect. Without one the test is
// skipped, except in CI, where a skip would hide that it never ran (as
// testproject.MissingTool does).
func lanAddress(t *testing.T) string {
	t.Helper()
	ifaces, err := net.Interfaces()
	require.NoError(t, err)
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, err := ifc.Addrs()
		require.NoError(t, err)
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
				return n.IP.String()
			}
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("missing in CI: a non-loopback IPv4 address on this machine")
	}
	t.Skip("missing: a non-loopback IPv4 address on this machine")
	return ""
}

// A task's port is held for it from before it starts: no other process
// can bind it while the program is still starting, and the program serves
// on it on loopback alone, as an ECS task in a private subnet is reachable
// only through its load balancer. The program (a *slowstart* build of the
// test workload) takes the listener it inherits and serves a second after
// it starts.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html
func TestECSTaskPortIsHeldForTheTaskOnLoopbackOnly(t *testing.T) {
	lan := lanAddress(t)
	h := newHarness(t)
	s := newECSStack(t, h, "")
	_, err := ecr.PushImage(h.acct, "app", "v1-slowstart", "", program(t, "v1-slowstart"))
	require.NoError(t, err)
	in := s.serviceInputs(s.taskDef(ecrHost(h.acct) + "app:v1-slowstart"))
	in["waitForSteadyState"] = false
	s.svc = h.create(core.TokService, "svc", pmap(in))

	var port int
	require.Eventually(t, func() bool {
		if targets := workload.TargetHealth(h.acct, s.svc.id); len(targets) > 0 {
			port = targets[0].Port
		}
		return port != 0
	}, 10*time.Second, 5*time.Millisecond, "the service started a task")
	for _, addr := range []string{"127.0.0.1", ""} {
		l, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(port)))
		if err == nil {
			l.Close()
		}
		assert.Error(t, err, "another process bound %q:%d while the task was starting", addr, port)
	}

	code, body := served(t, frontdoor.Handler(h.acct), core.Str(s.lb.outs, "dnsName"), "/version")
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, "v1-slowstart", versionOf(t, body))
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
	require.NoError(t, err, "the task serves on its port on loopback")
	c.Close()
	c, err = net.DialTimeout("tcp", net.JoinHostPort(lan, strconv.Itoa(port)), time.Second)
	if err == nil {
		c.Close()
	}
	assert.Error(t, err, "the task's port answers on %s, another machine's way in", lan)
}

// A program that does not take the listener it inherits binds $PORT
// itself, as on ECS, and is served there (reachable as it bound it).
func TestECSTaskThatBindsPORTItselfIsServed(t *testing.T) {
	h := newHarness(t)
	s := newECSStack(t, h, "")
	_, err := ecr.PushImage(h.acct, "app", "v1-ownport", "", program(t, "v1-ownport"))
	require.NoError(t, err)
	s.deploy("app:v1-ownport")

	code, body := served(t, frontdoor.Handler(h.acct), core.Str(s.lb.outs, "dnsName"), "/version")
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, "v1-ownport", versionOf(t, body))
	targets := workload.TargetHealth(h.acct, s.svc.id)
	require.Len(t, targets, 1)
	assert.Equal(t, "healthy", targets[0].State)
}
