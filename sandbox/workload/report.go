package workload

import (
	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecs"
	"github.com/kirikae/kirikae/sandbox/elbv2"
)

// What the ECS and ELBv2 APIs report about the tasks this process runs.
// Asking starts the service's loop if it is not running yet, as a request
// through the front door does: the answers are the tasks' real state and
// the real results of their target group's health checks.

// ECSTasks reports the running tasks of the ECS service id.
func ECSTasks(a *core.Account, serviceID string) []ecs.Task {
	var out []ecs.Task
	eachRunning(a, serviceID, func(s *ServiceRun, d *ecsDeployment, t *ecsTask) {
		health := "UNKNOWN"
		switch state, _ := targetState(t, s.spec); state {
		case "healthy":
			health = "HEALTHY"
		case "unhealthy":
			health = "UNHEALTHY"
		}
		out = append(out, ecs.Task{ID: t.id, TaskDefinition: d.spec.TaskDef, Container: s.spec.Container,
			StartedAt: t.started, HealthStatus: health})
	})
	return out
}

// TargetHealth reports the targets the ECS service id registers with its
// target group: each running task, on its port, with its health-check state.
func TargetHealth(a *core.Account, serviceID string) []elbv2.Target {
	var out []elbv2.Target
	eachRunning(a, serviceID, func(s *ServiceRun, _ *ecsDeployment, t *ecsTask) {
		state, reason := targetState(t, s.spec)
		out = append(out, elbv2.Target{ID: "127.0.0.1", Port: t.port, State: state, Reason: reason})
	})
	return out
}

// targetState is a target's state in its target group and the reason code
// when it is not healthy.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html
func targetState(t *ecsTask, spec serviceSpec) (state, reason string) {
	switch {
	case t.healthy:
		return "healthy", ""
	case t.bad >= spec.Health.Unhealthy && t.bad > 0:
		return "unhealthy", "Target.FailedHealthChecks"
	default:
		return "initial", "Elb.InitialHealthChecking"
	}
}

// eachRunning calls fn for each running task of the service, under its lock.
func eachRunning(a *core.Account, serviceID string, fn func(s *ServiceRun, d *ecsDeployment, t *ecsTask)) {
	s := Workloads(a).Service(serviceID)
	s.Mu.Lock()
	defer s.Mu.Unlock()
	for _, d := range s.Deps {
		for _, t := range d.Tasks {
			if t.stopped == "" {
				fn(s, d, t)
			}
		}
	}
}
