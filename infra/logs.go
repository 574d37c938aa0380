package infra

import "github.com/kirikae/kirikae/stacks"

// LogGroupName is the CloudWatch Logs group the workload writes to: the
// ECS tasks' awslogs group, or the group Lambda writes the function's
// output to, which is always /aws/lambda/<function name>
// (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html).
// `kirikae logs` reads it; the program creates it (with its retention).
func LogGroupName(cfg stacks.Config) string {
	if cfg.Backend == stacks.BackendLambda {
		return "/aws/lambda/" + FunctionName(cfg)
	}
	return "/ecs/" + baseName(cfg)
}

// LogStreamPrefix starts the name of every log stream of one colour's
// tasks: the awslogs driver names streams
// "<awslogs-stream-prefix>/<container name>/<task id>" and the task
// definitions set the prefix to the colour
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html).
func LogStreamPrefix(color string) string { return color + "/" }
