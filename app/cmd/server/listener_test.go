package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mainEnv makes the test binary run the server's main (TestMain), so a
// test can start the server as a process of its own.
const mainEnv = "KIRIKAE_TEST_SERVER_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// Started with a listener by socket activation (as the kirikae sandbox
// starts a task: fd 3, LISTEN_FDS=1, LISTEN_PID its pid), the server
// answers on that listener, and does not bind $PORT: here PORT is no port
// at all, which listening on it would fail on.
// https://www.freedesktop.org/software/systemd/man/latest/sd_listen_fds.html
func TestServerServesOnTheListenerItInherits(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	f, err := ln.(*net.TCPListener).File()
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // f keeps the socket listening

	// LISTEN_PID is the server's own pid: the shell's, which exec keeps.
	cmd := exec.Command("/bin/sh", "-c", `LISTEN_PID=$$; export LISTEN_PID; exec "$0"`, os.Args[0])
	cmd.Env = append(os.Environ(), mainEnv+"=1", "LISTEN_FDS=1", "PORT=not-a-port")
	cmd.ExtraFiles = []*os.File{f}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	require.NoError(t, f.Close())
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		<-exited
	})

	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("the server exited: %s", out.String())
		default:
		}
		res, err := client.Get("http://" + addr + "/version")
		if err == nil {
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			assert.Equal(t, http.StatusOK, res.StatusCode)
			assert.Contains(t, string(body), `"dev"`)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no answer on the inherited listener %s: %v\n%s", addr, err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
