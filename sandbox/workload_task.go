package sandbox

import (
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"time"
)

// ecsTask is one task: a real process of the image's program.
type ecsTask struct {
	id      string
	port    int
	cmd     *exec.Cmd
	exited  chan struct{}
	started time.Time
	ok, bad int  // consecutive health check results
	healthy bool // the target group's view: passed the healthy threshold
	stopped string
}

func (s *serviceRun) startTask(ts taskSpec, container string) (*ecsTask, error) {
	if ts.PullErr != "" {
		return nil, fmt.Errorf("%s", ts.PullErr)
	}
	program, err := s.w.acct.installProgram(ts.Layer, ts.Registry)
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	id := stableDigits(fmt.Sprintf("%s%d%d", ts.TaskDef, port, time.Now().UnixNano()), 32)
	cmd := exec.Command(program)
	cmd.Dir = filepath.Dir(program)
	// A Fargate task has its own network interface, so every task listens
	// on the container port; locally tasks share one, so PORT is a free
	// port the front door and health checks use, like a host port mapping.
	cmd.Env = append(append([]string{}, ts.Env...), fmt.Sprintf("PORT=%d", port))
	var logs interface {
		Write([]byte) (int, error)
		Close() error
	}
	if ts.LogGroup != "" {
		// awslogs names streams prefix/container/task-id.
		// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
		logs = s.w.acct.logWriter(ts.LogGroup, ts.LogPrefix+"/"+container+"/"+id)
		cmd.Stdout, cmd.Stderr = logs, logs
	}
	if err := startProcess(cmd); err != nil {
		if logs != nil {
			logs.Close()
		}
		return nil, fmt.Errorf("CannotStartContainerError: %v", err)
	}
	t := &ecsTask{id: id, port: port, cmd: cmd, exited: make(chan struct{}), started: time.Now()}
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
func (s *serviceRun) check(t *ecsTask, spec serviceSpec, client *http.Client) {
	select {
	case <-t.exited:
		s.stopFailed(t, fmt.Sprintf("Essential container in task exited (exit code %d)", t.cmd.ProcessState.ExitCode()))
		return
	default:
	}
	ok := spec.Health.probe(client, t.port)
	s.mu.Lock()
	defer s.mu.Unlock()
	if ok {
		t.ok, t.bad = t.ok+1, 0
		if t.ok >= spec.Health.Healthy {
			t.healthy = true
		}
		return
	}
	t.ok, t.bad = 0, t.bad+1
	if t.bad >= spec.Health.Unhealthy {
		t.healthy = false
		if time.Since(t.started) >= scaledAtLeast(spec.Grace, minGrace) {
			go s.stopFailed(t, fmt.Sprintf("Task failed ELB health checks in (target-group %s)", spec.TargetGroup))
		}
	}
}

func (s *serviceRun) stopFailed(t *ecsTask, reason string) {
	stopProcess(t.cmd, t.exited, time.Second)
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.stopped != "" {
		return
	}
	t.stopped, t.healthy = reason, false
	for _, d := range s.deps {
		for _, dt := range d.tasks {
			if dt == t {
				d.failed++
				d.reason = reason
			}
		}
	}
}

func stopTasks(d *ecsDeployment) {
	for _, t := range d.tasks {
		if t.stopped == "" {
			t.stopped = "Scaling activity initiated by deployment"
			go stopProcess(t.cmd, t.exited, time.Second)
		}
	}
	d.tasks = nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a port for a task: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
