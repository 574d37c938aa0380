package workload

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
)

// Rollout states of an ECS deployment.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html
const (
	rolloutInProgress = "IN_PROGRESS"
	rolloutCompleted  = "COMPLETED"
	rolloutFailed     = "FAILED"
)

// Floors of the scaled clock: real programs need real time to start.
const (
	minHealthInterval = 100 * time.Millisecond
	minGrace          = 2 * time.Second
)

// ServiceRun is one ECS service's deployments as this process runs them:
// deps[0] is the PRIMARY one, the rest are ACTIVE (old tasks that keep
// serving until the new ones are healthy, the rolling update's
// minimumHealthyPercent of 100).
type ServiceRun struct {
	w  *workloads
	id string

	Mu      sync.Mutex
	spec    serviceSpec
	Deps    []*ecsDeployment
	changed chan struct{} // closed and replaced on every change
	done    chan struct{} // closed when the loop ends
	// active is when the scheduler last started something (the service,
	// a deployment, a task): until a task is healthy or coldStart passed,
	// the front door waits for it rather than answering 503.
	active time.Time
}

type ecsDeployment struct {
	spec    TaskSpec
	Tasks   []*ecsTask
	failed  int // tasks that stopped without becoming steady
	rollout string
	reason  string
}

// Service returns the running loop of a service, starting it if needed.
func (w *workloads) Service(id string) *ServiceRun {
	w.mu.Lock()
	defer w.mu.Unlock()
	if s := w.services[id]; s != nil {
		select {
		case <-s.done:
		default:
			return s
		}
	}
	s := &ServiceRun{w: w, id: id, changed: make(chan struct{}), done: make(chan struct{}), active: time.Now()}
	w.services[id] = s
	select {
	case <-w.stop:
		close(s.done)
	default:
		go s.loop()
	}
	return s
}

func (s *ServiceRun) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// loop reconciles the service with the account every health check interval
// until the workloads stop or the service is deleted.
func (s *ServiceRun) loop() {
	defer close(s.done)
	defer s.close()
	client := &http.Client{}
	for {
		spec, steady, ok, err := s.read()
		if err == nil && !ok {
			return
		}
		interval := core.ScaledAtLeast(spec.Health.Interval, minHealthInterval)
		if err == nil {
			// A probe's timeout is not shortened below a second: a
			// busy machine must not fail healthy tasks.
			client.Timeout = core.ScaledAtLeast(spec.Health.Timeout, time.Second)
			s.reconcile(spec, steady, client)
		}
		if !s.w.sleepOrStop(context.Background(), interval) {
			return
		}
	}
}

func (s *ServiceRun) read() (spec serviceSpec, steady string, ok bool, err error) {
	err = s.w.acct.View(func(st *core.State) error {
		spec, ok = ServiceSpecOf(st, core.NewIndex(st), s.id)
		steady = st.Steady[s.id]
		if steady != "" && ok && steady != spec.TaskDef {
			ix := core.NewIndex(st)
			steadySpec := TaskSpecOf(st, ix, steady, spec.Container)
			s.Mu.Lock()
			if s.find(steady) == nil && len(s.Deps) == 0 {
				// A rollout this process did not see start: the steady
				// deployment's tasks keep serving while it runs.
				s.Deps = append(s.Deps, &ecsDeployment{spec: steadySpec, rollout: rolloutCompleted})
			}
			s.Mu.Unlock()
		}
		return nil
	})
	return spec, steady, ok, err
}

func (s *ServiceRun) find(td string) *ecsDeployment {
	for _, d := range s.Deps {
		if d.spec.TaskDef == td {
			return d
		}
	}
	return nil
}

// reconcile is one pass of ECS's scheduler and the target group's health
// checks over the service.
func (s *ServiceRun) reconcile(spec serviceSpec, steady string, client *http.Client) {
	s.Mu.Lock()
	s.spec = spec
	if p := s.find(spec.TaskDef); p == nil || s.Deps[0] != p {
		if p == nil {
			p = &ecsDeployment{spec: spec.Task, rollout: rolloutInProgress}
		} else if p.rollout == rolloutFailed {
			p.failed, p.rollout, p.reason = 0, rolloutInProgress, ""
		}
		deps := []*ecsDeployment{p}
		for _, d := range s.Deps {
			if d != p {
				deps = append(deps, d)
			}
		}
		s.Deps = deps
		s.active = time.Now()
	}
	// The PRIMARY deployment's image is resolved again on every pass, as
	// the agent pulls it again for every task it starts: an image pushed
	// after the deployment began is found.
	if p := s.Deps[0]; p.spec.PullErr != spec.Task.PullErr || p.spec.Layer != spec.Task.Layer {
		p.spec = spec.Task
		s.active = time.Now()
	}
	deps := append([]*ecsDeployment(nil), s.Deps...)
	s.Mu.Unlock()

	for i, d := range deps {
		if i > 0 && d.rollout == rolloutFailed {
			continue
		}
		s.runTasks(d, spec)
		s.Mu.Lock()
		tasks := append([]*ecsTask(nil), d.Tasks...)
		s.Mu.Unlock()
		for _, t := range tasks {
			s.check(t, spec, client)
		}
	}

	s.Mu.Lock()
	defer s.Mu.Unlock()
	defer s.notify()
	p := s.Deps[0]
	switch {
	case p.rollout != rolloutInProgress:
	case healthyTasks(p) >= spec.Desired:
		p.rollout = rolloutCompleted
		for _, d := range s.Deps[1:] {
			stopTasks(d)
		}
		s.Deps = s.Deps[:1]
		if steady != p.spec.TaskDef {
			s.persistSteady(p.spec.TaskDef)
		}
	case p.failed >= breakerThreshold(spec.Desired):
		p.rollout = rolloutFailed
		p.reason = fmt.Sprintf("ECS deployment circuit breaker: tasks failed to start (%d), last: %s", p.failed, p.reason)
		stopTasks(p)
		if steady != "" && steady != p.spec.TaskDef {
			s.rollBack(steady)
		}
	}
}

// persistSteady records the task definition of the deployment that just
// completed: the one the circuit breaker rolls back to.
func (s *ServiceRun) persistSteady(td string) {
	_ = s.w.acct.Update(func(st *core.State) error {
		if st.Steady == nil {
			st.Steady = map[string]string{}
		}
		st.Steady[s.id] = td
		return nil
	})
}

// rollBack makes the last steady task definition PRIMARY again, as the
// circuit breaker's rollback does; the service's requested task
// definition (Pulumi's output) stays what was asked for.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
func (s *ServiceRun) rollBack(td string) {
	_ = s.w.acct.Update(func(st *core.State) error {
		st.Running[s.id] = td
		return nil
	})
}

func healthyTasks(d *ecsDeployment) int {
	n := 0
	for _, t := range d.Tasks {
		if t.healthy && t.stopped == "" {
			n++
		}
	}
	return n
}

// runTasks replaces stopped tasks until the deployment runs desired ones.
func (s *ServiceRun) runTasks(d *ecsDeployment, spec serviceSpec) {
	s.Mu.Lock()
	live := d.Tasks[:0]
	for _, t := range d.Tasks {
		if t.stopped == "" {
			live = append(live, t)
		}
	}
	d.Tasks = live
	missing := spec.Desired - len(live)
	select {
	case <-s.w.stop:
		missing = 0
	default:
	}
	if d.rollout == rolloutFailed {
		missing = 0
	}
	ts := d.spec
	s.Mu.Unlock()
	for range missing {
		t, err := s.startTask(ts, spec.Container)
		s.Mu.Lock()
		if err != nil {
			d.failed++
			d.reason = err.Error()
			s.Mu.Unlock()
			return // retried on the next pass, as the scheduler does
		}
		d.Tasks = append(d.Tasks, t)
		s.active = time.Now()
		s.Mu.Unlock()
	}
}

// close stops every task of the service.
func (s *ServiceRun) close() {
	s.Mu.Lock()
	var all []*ecsTask
	for _, d := range s.Deps {
		all = append(all, d.Tasks...)
		d.Tasks = nil
	}
	s.Mu.Unlock()
	for _, t := range all {
		stopProcess(t.Cmd, t.exited, time.Second)
	}
}

// Targets returns the ports of the service's tasks the target group routes
// to: the healthy ones, or every running one when none is healthy (an ALB
// fails open).
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
func (s *ServiceRun) Targets() (healthy, registered []int) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	for _, d := range s.Deps {
		for _, t := range d.Tasks {
			if t.stopped != "" {
				continue
			}
			registered = append(registered, t.port)
			if t.healthy {
				healthy = append(healthy, t.port)
			}
		}
	}
	return healthy, registered
}

// Warming reports whether the service is starting tasks that may still
// become healthy: not when its deployment failed, nor when none of its
// deployments' images can be pulled (those tasks never start), nor when it
// is to run no task.
func (s *ServiceRun) Warming() bool {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if len(s.Deps) > 0 && s.Deps[0].rollout == rolloutFailed {
		return false
	}
	pullable := len(s.Deps) == 0 // not reconciled yet
	if !pullable && s.spec.Desired == 0 {
		return false // no task to start
	}
	for _, d := range s.Deps {
		pullable = pullable || d.spec.PullErr == "" || len(d.Tasks) > 0
	}
	return pullable && time.Since(s.active) < coldStart
}

// Status is the PRIMARY deployment's rollout for td, or "" while the
// service has not picked td up yet.
func (s *ServiceRun) Status(td string) (rollout, reason string, changed <-chan struct{}) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	for _, d := range s.Deps {
		if d.spec.TaskDef == td {
			return d.rollout, d.reason, s.changed
		}
	}
	return "", "", s.changed
}

// settle waits for the rollout of td to end, as the provider's
// waitForSteadyState does: nil when it completed or the circuit breaker
// rolled it back to a steady one, an error when it failed with nothing to
// roll back to.
func (s *ServiceRun) settle(ctx context.Context, td string) error {
	for {
		rollout, reason, changed := s.Status(td)
		switch rollout {
		case rolloutCompleted:
			return nil
		case rolloutFailed:
			s.Mu.Lock()
			rolledBack := len(s.Deps) > 1 || (len(s.Deps) == 1 && s.Deps[0].spec.TaskDef != td)
			s.Mu.Unlock()
			if rolledBack {
				return nil
			}
			return fmt.Errorf("ECS service %s did not reach a steady state: %s", s.id, reason)
		}
		select {
		case <-changed:
		case <-s.done:
			return fmt.Errorf("ECS service %s: its workloads stopped", s.id)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
