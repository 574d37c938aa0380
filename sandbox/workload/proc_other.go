//go:build !linux

package workload

import "syscall"

// Without Pdeathsig, a workload outlives a kirikae process that is killed
// (SIGKILL); Close still stops it.
func processAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
