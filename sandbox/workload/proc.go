package workload

import (
	"os/exec"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// Workload processes must never outlive the kirikae process that started
// them. Each one leads its own process group (so Close can kill the
// program and anything it forked), and on Linux the kernel kills it when
// its parent thread dies (Pdeathsig). Pdeathsig fires when the *thread*
// that forked exits, and Go retires threads, so every workload is started
// from one goroutine locked to a thread that never exits.

type spawnReq struct {
	cmd  *exec.Cmd
	done chan error
}

var (
	spawnOnce sync.Once
	spawnCh   = make(chan spawnReq)
)

// startProcess starts cmd in its own process group, tied to this process.
func startProcess(cmd *exec.Cmd) error {
	spawnOnce.Do(func() {
		go func() {
			runtime.LockOSThread() // never unlocked: the thread lives as long as the process
			for r := range spawnCh {
				r.done <- r.cmd.Start()
			}
		}()
	})
	cmd.SysProcAttr = processAttrs()
	done := make(chan error, 1)
	spawnCh <- spawnReq{cmd: cmd, done: done}
	return <-done
}

// stopProcess asks the process group to stop (SIGTERM, as ECS does), then
// kills it after grace; exited is closed once the process was reaped.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_timeout
func stopProcess(cmd *exec.Cmd, exited <-chan struct{}, grace time.Duration) {
	if cmd.Process == nil {
		return
	}
	pgid := cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(grace):
	}
	// The group may still hold children even when the leader is gone.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	<-exited
}
