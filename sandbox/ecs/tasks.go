package ecs

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
)

// One-off tasks: RunTask starts a task of a task definition outside any
// service (how teams run a migration: the new task definition with the
// container's command overridden), DescribeTasks reports it until and after
// it is STOPPED, StopTask stops it. The container runs as a process of the
// image's program (package workload, through a TaskRunner).
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTasks.html
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_StopTask.html
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html

// Task lifecycle states (lastStatus, desiredStatus).
const (
	StatusProvisioning = "PROVISIONING"
	StatusRunning      = "RUNNING"
	StatusStopped      = "STOPPED"
)

// Stop codes ECS reports for a stopped task.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html
const (
	StopEssentialContainerExited = "EssentialContainerExited"
	StopTaskFailedToStart        = "TaskFailedToStart"
	StopUserInitiated            = "UserInitiated"
)

// OneOffTask is one task RunTask started.
type OneOffTask struct {
	ARN, ClusterARN, TaskDef, Container, StartedBy, Group string
	// Command and Env are the container override: the program's arguments
	// and extra environment.
	Command   []string
	Env       []string
	CreatedAt time.Time

	mu            sync.Mutex
	lastStatus    string
	desiredStatus string
	startedAt     time.Time
	stoppedAt     time.Time
	stoppedReason string
	stopCode      string
	exitCode      *int
	userStop      string // StopTask's reason, which ECS reports in place of the exit
}

// Running marks the container started.
func (t *OneOffTask) Running() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.lastStatus != StatusStopped {
		t.lastStatus, t.startedAt = StatusRunning, time.Now()
	}
}

// Stopped records the end of the task, once: the container's exit code
// (nil when it never ran), the stopped reason and code. A task StopTask
// stopped keeps the reason StopTask gave.
func (t *OneOffTask) Stopped(exitCode *int, reason, stopCode string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.lastStatus == StatusStopped {
		return
	}
	if t.userStop != "" {
		reason, stopCode = t.userStop, StopUserInitiated
	}
	t.lastStatus, t.desiredStatus = StatusStopped, StatusStopped
	t.stoppedAt, t.exitCode, t.stoppedReason, t.stopCode = time.Now(), exitCode, reason, stopCode
}

// requestStop marks the task to stop for reason; false when it already
// stopped.
func (t *OneOffTask) requestStop(reason string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.lastStatus == StatusStopped {
		return false
	}
	t.userStop, t.desiredStatus = reason, StatusStopped
	return true
}

// describe renders the task as RunTask and DescribeTasks return it.
func (t *OneOffTask) describe() map[string]any {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := map[string]any{"name": t.Container, "lastStatus": t.lastStatus, "taskArn": t.ARN}
	if t.exitCode != nil {
		c["exitCode"] = *t.exitCode
	}
	if t.lastStatus == StatusStopped && t.exitCode == nil {
		c["reason"] = t.stoppedReason
	}
	override := map[string]any{"name": t.Container}
	if t.Command != nil {
		override["command"] = t.Command
	}
	out := map[string]any{
		"taskArn": t.ARN, "clusterArn": t.ClusterARN, "taskDefinitionArn": t.TaskDef,
		"lastStatus": t.lastStatus, "desiredStatus": t.desiredStatus, "launchType": "FARGATE",
		"createdAt": epochOf(t.CreatedAt), "containers": []any{c}, "group": t.Group,
		"overrides": map[string]any{"containerOverrides": []any{override}},
	}
	if t.StartedBy != "" {
		out["startedBy"] = t.StartedBy
	}
	if !t.startedAt.IsZero() {
		out["startedAt"] = epochOf(t.startedAt)
	}
	if t.lastStatus == StatusStopped {
		out["stoppedAt"], out["stoppedReason"], out["stopCode"] = epochOf(t.stoppedAt), t.stoppedReason, t.stopCode
	}
	return out
}

func epochOf(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// TaskRunner runs a task's container (package workload): Start resolves
// the image and starts the process, reporting through t.Running and
// t.Stopped (at once, for an image that cannot be pulled); Stop sends it
// SIGTERM, then SIGKILL after the stop timeout.
type TaskRunner interface {
	Start(st *core.State, t *OneOffTask)
	Stop(t *OneOffTask)
}

// tasks are the one-off tasks this process started, per account: like the
// processes that run them, they do not outlive the process.
var (
	tasksMu sync.Mutex
	tasksBy = map[string]map[string]*OneOffTask{} // account dir → task ARN → task
)

func findTask(a *core.Account, ref string) *OneOffTask {
	tasksMu.Lock()
	defer tasksMu.Unlock()
	for arn, t := range tasksBy[a.Dir()] {
		if arn == ref || core.LastSegment(arn, "/") == ref {
			return t
		}
	}
	return nil
}

func keepTask(a *core.Account, t *OneOffTask) {
	tasksMu.Lock()
	defer tasksMu.Unlock()
	if tasksBy[a.Dir()] == nil {
		tasksBy[a.Dir()] = map[string]*OneOffTask{}
	}
	tasksBy[a.Dir()][t.ARN] = t
}

// TaskOps are the one-off task operations, run by r.
func TaskOps(a *core.Account, r TaskRunner) map[string]core.JSONOp {
	return map[string]core.JSONOp{
		"RunTask":       func(st *core.State, in []byte) (any, error) { return runTask(a, r, st, in) },
		"DescribeTasks": func(st *core.State, in []byte) (any, error) { return describeAllTasks(a, st, in) },
		"StopTask":      func(st *core.State, in []byte) (any, error) { return stopTask(a, r, in) },
	}
}

type runTaskRequest struct {
	Cluster              string `json:"cluster"`
	TaskDefinition       string `json:"taskDefinition"`
	Count                int    `json:"count"`
	LaunchType           string `json:"launchType"`
	StartedBy            string `json:"startedBy"`
	Group                string `json:"group"`
	NetworkConfiguration *struct {
		AwsvpcConfiguration *struct {
			Subnets []string `json:"subnets"`
		} `json:"awsvpcConfiguration"`
	} `json:"networkConfiguration"`
	Overrides struct {
		ContainerOverrides []struct {
			Name        string   `json:"name"`
			Command     []string `json:"command"`
			Environment []struct {
				Name  string `json:"name"`
				Value string `json:"value"`
			} `json:"environment"`
		} `json:"containerOverrides"`
	} `json:"overrides"`
}

func runTask(a *core.Account, r TaskRunner, st *core.State, in []byte) (any, error) {
	var req runTaskRequest
	if err := core.Decode(in, &req); err != nil {
		return nil, err
	}
	if req.TaskDefinition == "" {
		return nil, core.BadRequest("InvalidParameterException", "TaskDefinition cannot be empty.")
	}
	if req.Count == 0 {
		req.Count = 1
	}
	if req.Count < 1 || req.Count > 10 {
		return nil, core.BadRequest("InvalidParameterException", "Count must be between 1 and 10.")
	}
	ix := core.NewIndex(st)
	cluster := req.Cluster
	if cluster == "" {
		cluster = "default" // ECS's default cluster
	}
	clusterARN := ""
	for _, c := range ix[core.TokCluster] {
		if core.StrOf(c, "arn") == cluster || core.StrOf(c, "name") == core.LastSegment(cluster, "/") {
			clusterARN = core.StrOf(c, "arn")
		}
	}
	if clusterARN == "" {
		return nil, clusterNotFound(cluster)
	}
	arn := TaskDefinitionARN(ix, req.TaskDefinition)
	var td map[string]any
	for _, c := range ix[core.TokTaskDef] {
		if core.StrOf(c, "arn") == arn {
			td = c
		}
	}
	if td == nil {
		return nil, core.BadRequest("ClientException", "TaskDefinition not found.")
	}
	// A Fargate task's network interface goes in the subnets given.
	if core.StrOf(td, "networkMode") == "awsvpc" || req.LaunchType == "FARGATE" {
		nc := req.NetworkConfiguration
		if nc == nil || nc.AwsvpcConfiguration == nil {
			return nil, core.BadRequest("InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified.")
		}
		if len(nc.AwsvpcConfiguration.Subnets) == 0 {
			return nil, core.BadRequest("InvalidParameterException", "subnets can not be empty.")
		}
	}
	var defs []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal([]byte(core.StrOf(td, "containerDefinitions")), &defs); err != nil || len(defs) == 0 {
		return nil, core.BadRequest("ClientException", "TaskDefinition has no container definitions.")
	}
	t0 := OneOffTask{Container: defs[0].Name}
	for _, o := range req.Overrides.ContainerOverrides {
		known := false
		for _, d := range defs {
			known = known || d.Name == o.Name
		}
		if !known {
			return nil, core.BadRequest("InvalidParameterException", fmt.Sprintf("Override for container named %s is not a container in the TaskDefinition.", o.Name))
		}
		t0.Container, t0.Command = o.Name, o.Command
		for _, e := range o.Environment {
			t0.Env = append(t0.Env, e.Name+"="+e.Value)
		}
	}
	group := req.Group
	if group == "" {
		group = "family:" + core.StrOf(td, "family")
	}
	// arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/ID, the ID 32 hex digits.
	prefix := strings.Replace(clusterARN, ":cluster/", ":task/", 1)
	tasks := []any{}
	for range req.Count {
		t := &OneOffTask{ARN: prefix + "/" + taskID(), ClusterARN: clusterARN, TaskDef: arn, Container: t0.Container,
			Command: t0.Command, Env: t0.Env, StartedBy: req.StartedBy, Group: group, CreatedAt: time.Now(),
			lastStatus: StatusProvisioning, desiredStatus: StatusRunning}
		keepTask(a, t)
		r.Start(st, t)
		tasks = append(tasks, t.describe())
	}
	return map[string]any{"tasks": tasks, "failures": []any{}}, nil
}

func taskID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// describeAllTasks reports one-off tasks by ARN or id, and the services'
// tasks (api_list.go's describeTasks) for every other reference; a task
// neither knows is a MISSING failure, as ECS reports an unknown task.
func describeAllTasks(a *core.Account, st *core.State, in []byte) (any, error) {
	var req struct {
		Cluster string   `json:"cluster"`
		Tasks   []string `json:"tasks"`
	}
	if err := core.Decode(in, &req); err != nil {
		return nil, err
	}
	var oneOffs []any
	var others []string
	for _, ref := range req.Tasks {
		if t := findTask(a, ref); t != nil {
			oneOffs = append(oneOffs, t.describe())
		} else {
			others = append(others, ref)
		}
	}
	if len(others) == 0 && len(oneOffs) > 0 {
		if req.Cluster != "" && req.Cluster != "default" && !clusterExists(core.NewIndex(st), req.Cluster) {
			return nil, clusterNotFound(req.Cluster)
		}
		return map[string]any{"tasks": oneOffs, "failures": []any{}}, nil
	}
	rest, err := json.Marshal(map[string]any{"cluster": req.Cluster, "tasks": others})
	if err != nil {
		return nil, err
	}
	out, err := describeTasks(a, st, rest)
	if err != nil {
		return nil, err
	}
	doc := out.(map[string]any)
	doc["tasks"] = append(oneOffs, doc["tasks"].([]any)...)
	return doc, nil
}

// stopTask stops a task; its stoppedReason is the reason given ("Task
// stopped by user" when none), its stopCode UserInitiated.
func stopTask(a *core.Account, r TaskRunner, in []byte) (any, error) {
	var req struct {
		Cluster string `json:"cluster"`
		Task    string `json:"task"`
		Reason  string `json:"reason"`
	}
	if err := core.Decode(in, &req); err != nil {
		return nil, err
	}
	t := findTask(a, req.Task)
	if t == nil {
		return nil, core.BadRequest("InvalidParameterException", "The referenced task was not found.")
	}
	reason := req.Reason
	if reason == "" {
		reason = "Task stopped by user"
	}
	if t.requestStop(reason) {
		r.Stop(t)
	}
	return map[string]any{"task": t.describe()}, nil
}
