package cloud

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// Tasks runs one-off work beside a release: a database migration as an ECS
// task of the new task definition, the way `aws ecs run-task` with a
// command override runs one (Copilot's `task run`, Rails-on-ECS
// migrations).
type Tasks interface {
	// RunTask starts t, streams the container's log lines to onLog while it
	// runs, and waits (at most maxWait) until ECS reports it STOPPED.
	RunTask(ctx context.Context, t OneOffTask, maxWait time.Duration, onLog func(string)) (TaskResult, error)
	// Invoke calls a function version synchronously: a Lambda release
	// checked before alias live moves to it, its migration event.
	Invoke(ctx context.Context, function, qualifier string, payload []byte) ([]byte, error)
}

// OneOffTask is one task run to completion.
type OneOffTask struct {
	Cluster string
	// Service lends the task its network configuration (subnets, security
	// groups), so it reaches what the service reaches (the database).
	Service        string
	TaskDefinition string
	// Command overrides the container's command: arguments for the image.
	Command   []string
	StartedBy string
}

// TaskResult is what ECS reports about a stopped task.
type TaskResult struct {
	TaskARN       string `json:"taskArn"`
	Container     string `json:"container"`
	ExitCode      *int   `json:"exitCode,omitempty"` // nil: the container never ran
	StoppedReason string `json:"stoppedReason,omitempty"`
}

// taskPoll bounds DescribeTasks polling: AWS's waiter default of 6 s to
// 600 s is made for long tasks; a migration is watched more closely.
const (
	taskPollMin = time.Second
	taskPollMax = 15 * time.Second
)

// RunTask runs t with RunTask and waits with the TasksStopped waiter
// (DescribeTasks until lastStatus is STOPPED); the exit code is the
// container's containers[].exitCode.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTasks.html
func (a *AWS) RunTask(ctx context.Context, t OneOffTask, maxWait time.Duration, onLog func(string)) (TaskResult, error) {
	svc, err := a.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(t.Cluster), Services: []string{t.Service}})
	if err != nil {
		return TaskResult{}, fmt.Errorf("describe ECS service %s: %w", t.Service, err)
	}
	if len(svc.Services) == 0 {
		return TaskResult{}, fmt.Errorf("describe ECS service %s in cluster %s: not found", t.Service, t.Cluster)
	}
	td, err := a.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(t.TaskDefinition)})
	if err != nil {
		return TaskResult{}, fmt.Errorf("describe task definition %s: %w", t.TaskDefinition, err)
	}
	if td.TaskDefinition == nil || len(td.TaskDefinition.ContainerDefinitions) == 0 {
		return TaskResult{}, fmt.Errorf("describe task definition %s: no container", t.TaskDefinition)
	}
	container := td.TaskDefinition.ContainerDefinitions[0]
	name := aws.ToString(container.Name)
	in := &ecs.RunTaskInput{
		Cluster:              aws.String(t.Cluster),
		TaskDefinition:       aws.String(t.TaskDefinition),
		Count:                aws.Int32(1),
		LaunchType:           ecstypes.LaunchTypeFargate,
		NetworkConfiguration: svc.Services[0].NetworkConfiguration,
		Overrides: &ecstypes.TaskOverride{ContainerOverrides: []ecstypes.ContainerOverride{
			{Name: aws.String(name), Command: t.Command},
		}},
	}
	if t.StartedBy != "" {
		in.StartedBy = aws.String(t.StartedBy)
	}
	run, err := a.ecs.RunTask(ctx, in)
	if err != nil {
		return TaskResult{}, fmt.Errorf("run task of %s: %w", t.TaskDefinition, err)
	}
	if len(run.Failures) > 0 {
		f := run.Failures[0]
		return TaskResult{}, fmt.Errorf("run task of %s: %s %s", t.TaskDefinition, aws.ToString(f.Reason), aws.ToString(f.Detail))
	}
	if len(run.Tasks) == 0 {
		return TaskResult{}, fmt.Errorf("run task of %s: no task started", t.TaskDefinition)
	}
	arn := aws.ToString(run.Tasks[0].TaskArn)
	res := TaskResult{TaskARN: arn, Container: name}

	logs := a.followTaskLogs(ctx, container.LogConfiguration, name, arn, onLog)
	waiter := ecs.NewTasksStoppedWaiter(a.ecs, func(o *ecs.TasksStoppedWaiterOptions) {
		o.MinDelay, o.MaxDelay = taskPollMin, taskPollMax
	})
	out, err := waiter.WaitForOutput(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(t.Cluster), Tasks: []string{arn}}, maxWait)
	logs.stop()
	if err != nil {
		if ctx.Err() == nil {
			// Past maxWait: the task must not run on unwatched.
			_, _ = a.ecs.StopTask(context.WithoutCancel(ctx), &ecs.StopTaskInput{Cluster: aws.String(t.Cluster), Task: aws.String(arn),
				Reason: aws.String("kirikae: the migration ran past kirikae:migrateTimeout")})
		}
		return res, fmt.Errorf("wait for task %s: %w", arn, err)
	}
	if len(out.Tasks) == 0 {
		return res, fmt.Errorf("describe task %s: not found", arn)
	}
	task := out.Tasks[0]
	res.StoppedReason = aws.ToString(task.StoppedReason)
	for _, c := range task.Containers {
		if aws.ToString(c.Name) == name && c.ExitCode != nil {
			code := int(*c.ExitCode)
			res.ExitCode = &code
		}
	}
	return res, nil
}

// taskLogs follows one task's awslogs stream until stopped.
type taskLogs struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func (l taskLogs) stop() {
	l.cancel()
	<-l.done
}

// followTaskLogs polls the task's stream, named
// <awslogs-stream-prefix>/<container>/<task id> by the awslogs driver,
// passing each new line to onLog; stop reads it one last time.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
func (a *AWS) followTaskLogs(ctx context.Context, lc *ecstypes.LogConfiguration, container, taskARN string, onLog func(string)) taskLogs {
	ctx, cancel := context.WithCancel(ctx)
	l := taskLogs{cancel: cancel, done: make(chan struct{})}
	group, prefix := "", ""
	if lc != nil && lc.LogDriver == ecstypes.LogDriverAwslogs {
		group, prefix = lc.Options["awslogs-group"], lc.Options["awslogs-stream-prefix"]
	}
	if onLog == nil || group == "" || prefix == "" {
		close(l.done)
		return l
	}
	stream := prefix + "/" + container + "/" + taskARN[strings.LastIndex(taskARN, "/")+1:]
	go func() {
		defer close(l.done)
		seen := map[string]bool{}
		read := func(ctx context.Context) {
			q := LogQuery{Group: group, StreamPrefix: stream}
			for {
				page, err := a.LogEvents(ctx, q)
				var nf *LogGroupNotFoundError
				if err != nil && !errors.As(err, &nf) {
					return
				}
				for _, e := range page.Events {
					if !seen[e.ID] {
						seen[e.ID] = true
						onLog(e.Message)
					}
				}
				if page.NextToken == "" {
					return
				}
				q.NextToken = page.NextToken
			}
		}
		for {
			select {
			case <-ctx.Done():
				read(context.WithoutCancel(ctx))
				return
			case <-time.After(time.Second):
				read(ctx)
			}
		}
	}()
	return l
}

// Invoke calls one version of a function synchronously (RequestResponse)
// and returns its response payload; a function error (the handler failed,
// the runtime crashed) is an error carrying the payload.
// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
func (a *AWS) Invoke(ctx context.Context, function, qualifier string, payload []byte) ([]byte, error) {
	out, err := a.fn.Invoke(ctx, &lambda.InvokeInput{
		FunctionName: aws.String(function), Qualifier: aws.String(qualifier), Payload: payload,
	})
	if err != nil {
		return nil, fmt.Errorf("invoke %s:%s: %w", function, qualifier, err)
	}
	if out.FunctionError != nil {
		return out.Payload, fmt.Errorf("invoke %s:%s: %s: %s", function, qualifier, aws.ToString(out.FunctionError), truncateBytes(out.Payload, 300))
	}
	return out.Payload, nil
}

// truncateBytes keeps at most n bytes of b, never cutting a UTF-8
// character in two.
func truncateBytes(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return string(b[:n]) + "…"
}
