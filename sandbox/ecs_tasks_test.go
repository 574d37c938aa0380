package sandbox

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecr"
	"github.com/kirikae/kirikae/sandbox/logs"
)

// ecsClient is aws-sdk-go-v2's ECS client on the account's endpoint.
func ecsClient(t *testing.T, a *core.Account) *awsecs.Client {
	ep := serve(t, a)
	return awsecs.New(awsecs.Options{Region: "us-east-1", BaseEndpoint: aws.String(ep.URL),
		Credentials: credentials.NewStaticCredentialsProvider(core.AccessKeyID, core.SecretAccessKey, "")})
}

// waitStopped waits with the SDK's TasksStopped waiter, as kirikae does.
func waitStopped(t *testing.T, c *awsecs.Client, arn string) ecstypes.Task {
	t.Helper()
	out, err := awsecs.NewTasksStoppedWaiter(c, func(o *awsecs.TasksStoppedWaiterOptions) {
		o.MinDelay, o.MaxDelay = 100*time.Millisecond, 500*time.Millisecond
	}).WaitForOutput(t.Context(), &awsecs.DescribeTasksInput{Cluster: aws.String("main"), Tasks: []string{arn}}, time.Minute)
	require.NoError(t, err)
	require.Len(t, out.Tasks, 1)
	return out.Tasks[0]
}

// RunTask runs a task of the task definition as a process of its image's
// program with the container override's command as its arguments;
// DescribeTasks reports it STOPPED with the container's exit code once it
// exited; its output is in the awslogs stream prefix/container/task-id.
// StopTask ends one that would run forever, with the reason given.
func TestRunTaskRunsTheImageWithTheCommandOverride(t *testing.T) {
	h := newHarness(t)
	s := newECSStack(t, h, "")
	h.create("aws:ecs/cluster:Cluster", "main", pmap(map[string]any{"name": "main"}))
	for _, v := range []string{"v1", "v2-migrate3"} {
		_, err := ecr.PushImage(h.acct, "app", v, "", program(t, v))
		require.NoError(t, err)
	}
	c := ecsClient(t, h.acct)
	network := &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{Subnets: []string{"subnet-0a1b2c3d"}}}
	run := func(image string, command ...string) (*awsecs.RunTaskOutput, error) {
		td := s.taskDef(ecrHost(h.acct) + image)
		in := &awsecs.RunTaskInput{Cluster: aws.String("main"), TaskDefinition: aws.String(td), LaunchType: ecstypes.LaunchTypeFargate,
			NetworkConfiguration: network, StartedBy: aws.String("kirikae-migrate")}
		if command != nil {
			in.Overrides = &ecstypes.TaskOverride{ContainerOverrides: []ecstypes.ContainerOverride{{Name: aws.String("app"), Command: command}}}
		}
		return c.RunTask(context.Background(), in)
	}

	out, err := run("app:v1", "migrate")
	require.NoError(t, err)
	require.Len(t, out.Tasks, 1)
	arn := aws.ToString(out.Tasks[0].TaskArn)
	assert.Regexp(t, `^arn:aws:ecs:us-east-1:`+h.acct.ID()+`:task/main/[0-9a-f]{32}$`, arn)
	task := waitStopped(t, c, arn)
	assert.Equal(t, "STOPPED", aws.ToString(task.LastStatus))
	assert.Equal(t, ecstypes.TaskStopCodeEssentialContainerExited, task.StopCode)
	assert.Equal(t, "Essential container in task exited", aws.ToString(task.StoppedReason))
	require.NotNil(t, task.Containers[0].ExitCode)
	assert.Equal(t, int32(0), *task.Containers[0].ExitCode)
	assert.Equal(t, "kirikae-migrate", aws.ToString(task.StartedBy))
	id := arn[strings.LastIndex(arn, "/")+1:]
	evs, err := logs.FilterLogEvents(h.acct, logs.LogQuery{Group: "/ecs/web", Streams: []string{"blue/app/" + id}})
	require.NoError(t, err)
	require.Len(t, evs, 1, "the command override ran: the program migrated instead of serving")
	assert.Equal(t, "migrate: release v1: database schema is up to date", evs[0].Message)

	out, err = run("app:v2-migrate3", "migrate")
	require.NoError(t, err)
	task = waitStopped(t, c, aws.ToString(out.Tasks[0].TaskArn))
	require.NotNil(t, task.Containers[0].ExitCode)
	assert.Equal(t, int32(3), *task.Containers[0].ExitCode)

	// An image that cannot be pulled never runs: no exit code, the reason.
	out, err = run("app:v404", "migrate")
	require.NoError(t, err)
	task = waitStopped(t, c, aws.ToString(out.Tasks[0].TaskArn))
	assert.Nil(t, task.Containers[0].ExitCode)
	assert.Equal(t, ecstypes.TaskStopCodeTaskFailedToStart, task.StopCode)
	assert.Contains(t, aws.ToString(task.StoppedReason), "CannotPullContainerError")

	// Without an override the image serves until stopped.
	out, err = run("app:v1")
	require.NoError(t, err)
	arn = aws.ToString(out.Tasks[0].TaskArn)
	_, err = c.StopTask(context.Background(), &awsecs.StopTaskInput{Cluster: aws.String("main"), Task: aws.String(arn), Reason: aws.String("migration timed out")})
	require.NoError(t, err)
	task = waitStopped(t, c, arn)
	assert.Equal(t, "migration timed out", aws.ToString(task.StoppedReason))
	assert.Equal(t, ecstypes.TaskStopCodeUserInitiated, task.StopCode)
	require.NotNil(t, task.Containers[0].ExitCode)
	assert.Equal(t, int32(128+15), *task.Containers[0].ExitCode, "the test program does not handle SIGTERM")

	// What AWS refuses.
	_, err = c.RunTask(context.Background(), &awsecs.RunTaskInput{Cluster: aws.String("main"),
		TaskDefinition: aws.String(s.taskDef(ecrHost(h.acct) + "app:v1")), LaunchType: ecstypes.LaunchTypeFargate})
	assert.ErrorContains(t, err, "Network Configuration must be provided when networkMode 'awsvpc' is specified.")
	_, err = c.RunTask(context.Background(), &awsecs.RunTaskInput{Cluster: aws.String("nope"), TaskDefinition: aws.String("web-blue"), NetworkConfiguration: network})
	assert.ErrorContains(t, err, "ClusterNotFoundException")
	d, err := c.DescribeTasks(context.Background(), &awsecs.DescribeTasksInput{Cluster: aws.String("main"), Tasks: []string{"0123"}})
	require.NoError(t, err)
	require.Len(t, d.Failures, 1)
	assert.Equal(t, "MISSING", aws.ToString(d.Failures[0].Reason))
	_, err = c.RunTask(context.Background(), &awsecs.RunTaskInput{Cluster: aws.String("main"), TaskDefinition: aws.String("web-blue"),
		NetworkConfiguration: network, Overrides: &ecstypes.TaskOverride{ContainerOverrides: []ecstypes.ContainerOverride{{Name: aws.String("db"), Command: []string{"x"}}}}})
	assert.ErrorContains(t, err, fmt.Sprintf("Override for container named %s is not a container in the TaskDefinition.", "db"))
}
