package workload

import (
	"bufio"
	"io"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecs"
	logssvc "github.com/kirikae/kirikae/sandbox/logs"
)

// stopTimeout is how long ECS waits after SIGTERM before SIGKILL (the
// container's stopTimeout, 30 s by default on Fargate).
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_timeout
const stopTimeout = 30 * time.Second

// TaskRunner runs the account's one-off ECS tasks (ecs.TaskOps) as
// processes of their image's program, with the container override's
// command as the program's arguments.
func TaskRunner(a *core.Account) ecs.TaskRunner { return &oneOffRunner{w: Workloads(a)} }

type oneOffRunner struct{ w *workloads }

// oneOffProcs are the processes of running one-off tasks, by task ARN.
var (
	oneOffMu    sync.Mutex
	oneOffProcs = map[string]*oneOffProc{}
)

type oneOffProc struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once reaped and its output stored
}

// Start resolves the task's image as a service's task would and starts it.
// The output goes to the container's awslogs stream
// (<prefix>/<container>/<task id>) line by line, and the task is STOPPED
// only once the last line is stored, so whoever sees STOPPED can read
// every line.
func (r *oneOffRunner) Start(st *core.State, t *ecs.OneOffTask) {
	ts := TaskSpecOf(st, core.NewIndex(st), t.TaskDef, t.Container)
	if ts.PullErr != "" {
		// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html
		t.Stopped(nil, ts.PullErr, ecs.StopTaskFailedToStart)
		return
	}
	cmd, release, err := r.command(ts, t)
	if err != nil {
		t.Stopped(nil, "CannotStartContainerError: "+err.Error(), ecs.StopTaskFailedToStart)
		return
	}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	err = startProcess(cmd)
	release() // the task has its own copy of its listener
	if err != nil {
		pw.Close()
		t.Stopped(nil, "CannotStartContainerError: "+err.Error(), ecs.StopTaskFailedToStart)
		return
	}
	p := &oneOffProc{cmd: cmd, exited: make(chan struct{})}
	oneOffMu.Lock()
	oneOffProcs[t.ARN] = p
	oneOffMu.Unlock()
	t.Running()
	reaped := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		pw.Close()
		close(reaped)
	}()
	stream := ts.LogPrefix + "/" + t.Container + "/" + core.LastSegment(t.ARN, "/")
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			if ts.LogGroup != "" {
				_ = logssvc.PutLogEvents(r.w.acct, ts.LogGroup, stream, logssvc.LogEvent{Message: sc.Text()})
			}
		}
		_, _ = io.Copy(io.Discard, pr)
		<-reaped
		code := exitCode(cmd.ProcessState)
		t.Stopped(&code, "Essential container in task exited", ecs.StopEssentialContainerExited)
		oneOffMu.Lock()
		delete(oneOffProcs, t.ARN)
		oneOffMu.Unlock()
		close(p.exited)
	}()
}

// command is the task's process, not started, and what to call once it
// is (this process's copy of the task's listener).
func (r *oneOffRunner) command(ts TaskSpec, t *ecs.OneOffTask) (*exec.Cmd, func(), error) {
	program, err := installProgram(r.w.acct, ts.Layer, ts.Registry)
	if err != nil {
		return nil, nil, err
	}
	// The override's command is the image's CMD: the arguments of its
	// ENTRYPOINT, the program, run for the image's platform as the
	// service's tasks are (platform.go).
	cmd, err := platformCommand(program, ts.Platform)
	if err != nil {
		return nil, nil, err
	}
	cmd.Args = append(cmd.Args, t.Command...)
	cmd.Dir = filepath.Dir(program)
	cmd.Env = append(append([]string{}, ts.Env...), t.Env...)
	// A one-off task gets a port as a service's task does (listen.go).
	ports, err := listenForTask()
	if err != nil {
		return nil, nil, err
	}
	ports.pass(cmd)
	return cmd, ports.close, nil
}

// Stop sends SIGTERM, then SIGKILL after the stop timeout (scaled).
func (r *oneOffRunner) Stop(t *ecs.OneOffTask) {
	oneOffMu.Lock()
	p := oneOffProcs[t.ARN]
	oneOffMu.Unlock()
	if p == nil {
		return
	}
	go stopProcess(p.cmd, p.exited, core.ScaledAtLeast(stopTimeout, time.Second))
}

// exitCode is the container's exit code as Docker reports it: the
// program's status, or 128+signal for a program a signal ended (137 after
// SIGKILL, 143 after an unhandled SIGTERM).
func exitCode(ps interface {
	ExitCode() int
	Sys() any
}) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
