// Package activation takes the listener a process inherited by systemd's
// socket-activation protocol: fd 3, LISTEN_FDS=1, LISTEN_PID the process's
// own pid. The kirikae sandbox passes a task its loopback port this way.
// https://www.freedesktop.org/software/systemd/man/latest/sd_listen_fds.html
package activation

import (
	"fmt"
	"net"
	"os"
	"strconv"
)

// Listener returns the inherited listener; ok is false when the process
// was given none (on ECS, for one), and the caller listens itself.
func Listener() (ln net.Listener, ok bool, err error) {
	if os.Getenv("LISTEN_FDS") != "1" || os.Getenv("LISTEN_PID") != strconv.Itoa(os.Getpid()) {
		return nil, false, nil
	}
	f := os.NewFile(3, "LISTEN_FD_3")
	defer f.Close() // the listener has its own copy
	ln, err = net.FileListener(f)
	if err != nil {
		return nil, true, fmt.Errorf("use the inherited listener: %w", err)
	}
	return ln, true, nil
}
