package workload

import (
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
	logssvc "github.com/kirikae/kirikae/sandbox/logs"
)

// ecsTask is one task: a real process of the image's program.
type ecsTask struct {
	id   string
	port int // the target's port: the inherited listener's, or PORT once the program is found there
	// ports, until the task's port is settled: the program took the
	// inherited listener (a passing health check on it) or bound PORT.
	ports   *taskPorts
	Cmd     *exec.Cmd
	exited  chan struct{}
	started time.Time
	ok, bad int  // consecutive health check results
	healthy bool // the target group's view: passed the healthy threshold
	stopped string
}

func (s *ServiceRun) startTask(ts TaskSpec, container string) (*ecsTask, error) {
	if ts.PullErr != "" {
		return nil, fmt.Errorf("%s", ts.PullErr)
	}
	program, err := installProgram(s.w.acct, ts.Layer, ts.Registry)
	if err != nil {
		return nil, err
	}
	cmd, err := platformCommand(program, ts.Platform)
	if err != nil {
		return nil, fmt.Errorf("CannotStartContainerError: %v", err)
	}
	// A Fargate task has its own network interface, so every task listens
	// on the container port; locally tasks share one, so each task gets a
	// listener on a free loopback port (listen.go) the front door and
	// health checks use, like a host port mapping.
	ports, err := listenForTask()
	if err != nil {
		return nil, err
	}
	defer ports.close()
	id := core.StableDigits(fmt.Sprintf("%s%d%d", ts.TaskDef, ports.inherited, time.Now().UnixNano()), 32)
	cmd.Dir = filepath.Dir(program)
	cmd.Env = append([]string{}, ts.Env...)
	ports.pass(cmd)
	var logs interface {
		Write([]byte) (int, error)
		Close() error
	}
	if ts.LogGroup != "" {
		// awslogs names streams prefix/container/task-id.
		// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
		logs = logssvc.LogWriter(s.w.acct, ts.LogGroup, ts.LogPrefix+"/"+container+"/"+id)
		cmd.Stdout, cmd.Stderr = logs, logs
	}
	if err := startProcess(cmd); err != nil {
		if logs != nil {
			logs.Close()
		}
		return nil, fmt.Errorf("CannotStartContainerError: %v", err)
	}
	t := &ecsTask{id: id, port: ports.inherited, ports: ports, Cmd: cmd, exited: make(chan struct{}), started: time.Now()}
	go func() {
		_ = cmd.Wait()
		if logs != nil {
			logs.Close()
		}
		close(t.exited)
	}()
	return t, nil
}

// check runs one health check of a task; a task that exited or that the
// target group found unhealthy after the grace period is stopped and
// counts as failed.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/healthcheck.html
func (s *ServiceRun) check(t *ecsTask, spec serviceSpec, client *http.Client) {
	select {
	case <-t.exited:
		s.stopFailed(t, fmt.Sprintf("Essential container in task exited (exit code %d)", t.Cmd.ProcessState.ExitCode()))
		return
	default:
	}
	s.settlePort(t)
	ok := spec.Health.probe(client, t.port)
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if ok {
		t.ports = nil // it answers where it is: settled
		t.ok, t.bad = t.ok+1, 0
		if t.ok >= spec.Health.Healthy {
			t.healthy = true
		}
		return
	}
	t.ok, t.bad = 0, t.bad+1
	if t.bad >= spec.Health.Unhealthy {
		t.healthy = false
		if time.Since(t.started) >= core.ScaledAtLeast(spec.Grace, minGrace) {
			go s.stopFailed(t, fmt.Sprintf("Task failed ELB health checks in (target-group %s)", spec.TargetGroup))
		}
	}
}

// settlePort makes PORT the task's target once the program is found
// listening there: it ignored the listener it inherited and bound PORT
// itself (listen.go).
func (s *ServiceRun) settlePort(t *ecsTask) {
	if t.ports == nil || !t.ports.listensOnOwnPort() {
		return
	}
	s.Mu.Lock()
	t.port, t.ports = t.ports.own, nil
	s.Mu.Unlock()
}

func (s *ServiceRun) stopFailed(t *ecsTask, reason string) {
	stopProcess(t.Cmd, t.exited, time.Second)
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if t.stopped != "" {
		return
	}
	t.stopped, t.healthy = reason, false
	for _, d := range s.Deps {
		for _, dt := range d.Tasks {
			if dt == t {
				d.failed++
				d.reason = reason
			}
		}
	}
}

func stopTasks(d *ecsDeployment) {
	for _, t := range d.Tasks {
		if t.stopped == "" {
			t.stopped = "Scaling activity initiated by deployment"
			go stopProcess(t.Cmd, t.exited, time.Second)
		}
	}
	d.Tasks = nil
}
