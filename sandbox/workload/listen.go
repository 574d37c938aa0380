package workload

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"time"
)

// A Fargate task in a private subnet is reachable only through its load
// balancer; here tasks share this machine's network, so a task's port must
// be reachable on loopback alone and must not be taken by another process
// before the task has it. The sandbox opens the task's listener on
// 127.0.0.1 itself and hands it to the task by systemd's socket-activation
// protocol: the socket is fd 3, LISTEN_FDS=1, LISTEN_PID the task's pid.
// https://www.freedesktop.org/software/systemd/man/latest/sd_listen_fds.html
//
// A program that does not speak the protocol binds $PORT itself, as on
// ECS. That cannot be the inherited socket's port: while the task holds a
// listener on 127.0.0.1:P (its fd 3), the kernel refuses its own bind of
// :P (EADDRINUSE, whatever SO_REUSEADDR says). So PORT is a second free
// port, and the task's target is the inherited one until the program is
// found listening on PORT (taskPorts.settle).

// taskPorts are a task's two ports before it starts.
type taskPorts struct {
	held           *os.File // the listener on 127.0.0.1:inherited, the task's fd 3
	inherited, own int
}

// listenForTask opens the listener a task inherits and picks the port it
// binds if it ignores that listener.
func listenForTask() (*taskPorts, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for a task: %w", err)
	}
	f, err := l.(*net.TCPListener).File() // a duplicate: the listener is not closed with l
	l.Close()
	if err != nil {
		return nil, fmt.Errorf("listen for a task: %w", err)
	}
	own, err := freePort()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &taskPorts{held: f, inherited: l.Addr().(*net.TCPAddr).Port, own: own}, nil
}

// pass makes the listener cmd's fd 3 and sets the protocol's variables and
// PORT. LISTEN_PID must be the pid of the process that reads it (libsystemd
// and go-systemd's activation.Files ignore the sockets otherwise), which
// exec.Cmd cannot know before the fork: a shell exports its own pid ($$)
// and execs the program, which keeps that pid.
func (p *taskPorts) pass(cmd *exec.Cmd) {
	cmd.ExtraFiles = []*os.File{p.held}
	cmd.Env = append(cmd.Env, "LISTEN_FDS=1", "LISTEN_FDNAMES=http", fmt.Sprintf("PORT=%d", p.own))
	cmd.Args = append([]string{"/bin/sh", "-c", `LISTEN_PID=$$; export LISTEN_PID; exec "$0" "$@"`, cmd.Path}, cmd.Args[1:]...)
	cmd.Path = "/bin/sh"
}

// close drops this process's copy of the listener once the task has its
// own (after Start), or when the task could not start.
func (p *taskPorts) close() { p.held.Close() }

// listensOnOwnPort reports whether something accepts connections on the
// task's PORT: a program that bound PORT itself.
func (p *taskPorts) listensOnOwnPort() bool {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", p.own), 200*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a port for a task: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
