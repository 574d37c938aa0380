package infra

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/stacks"
)

// containerName is the one container of every task; the services' load
// balancer blocks refer to it.
const containerName = "app"

func (s *ecsService) createTargetGroup(ctx *pulumi.Context, cfg stacks.Config, net *network, color string) (*lb.TargetGroup, error) {
	tg, err := lb.NewTargetGroup(ctx, color, &lb.TargetGroupArgs{
		Name: net.VpcID.ApplyT(func(vpc string) string {
			return targetGroupName(cfg, color, vpc)
		}).(pulumi.StringOutput),
		Port:       pulumi.Int(cfg.ContainerPort),
		Protocol:   pulumi.String(targetGroupProtocol),
		TargetType: pulumi.String(targetGroupTargetType),
		VpcId:      net.VpcID,
		// deregistration_delay.timeout_seconds: how long a task leaving
		// the group finishes requests in flight before ECS stops it (AWS's
		// default is 300 s, 0..3600 allowed:
		// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay).
		// A deploy replaces only the idle colour's tasks, which production
		// no longer reaches (weight 0 since the flip), so only the test
		// listener's requests can be in flight; the colour that was live
		// keeps its tasks registered at the flip (weights move, targets
		// stay), so its in-flight requests finish where they are. The
		// delay bounds every ECS deploy's steady-state wait.
		DeregistrationDelay: pulumi.Int(cfg.DrainSeconds),
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Enabled:            pulumi.Bool(true),
			Path:               pulumi.String(cfg.HealthCheckPath),
			Protocol:           pulumi.String("HTTP"),
			Matcher:            pulumi.String("200-399"),
			Interval:           pulumi.Int(15),
			HealthyThreshold:   pulumi.Int(2),
			UnhealthyThreshold: pulumi.Int(3),
		},
		Tags: tags(cfg),
	}, pulumi.Parent(s))
	if err != nil {
		return nil, fmt.Errorf("create %s target group: %w", color, err)
	}
	return tg, nil
}

// createColor creates one colour's task definition and service. The
// service depends on the listener because ECS refuses a target group that
// no load balancer routes to yet.
func (s *ecsService) createColor(ctx *pulumi.Context, cfg stacks.Config, net *network, shared *ecsShared,
	tg *lb.TargetGroup, listener *lb.Listener, p colorPlan,
) error {
	parent := pulumi.Parent(s)
	defs := pulumi.All(shared.repo.url, shared.logGroup.Name).ApplyT(
		func(args []any) (string, error) {
			return containerDefinitions(containerSpec{
				Image:    imageReference(args[0].(string), p),
				Port:     cfg.ContainerPort,
				LogGroup: args[1].(string),
				Region:   cfg.Region,
				Color:    p.Color,
			})
		}).(pulumi.StringOutput)
	task, err := ecs.NewTaskDefinition(ctx, p.Color, &ecs.TaskDefinitionArgs{
		Family:                  pulumi.String(physicalName(cfg, p.Color)),
		Cpu:                     pulumi.String(strconv.Itoa(cfg.CPU)),
		Memory:                  pulumi.String(strconv.Itoa(cfg.Memory)),
		NetworkMode:             pulumi.String("awsvpc"),
		RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
		ExecutionRoleArn:        shared.executionRole.Arn,
		ContainerDefinitions:    defs,
		// Fargate runs LINUX/X86_64 unless told otherwise, and a task
		// whose image has no manifest for its platform never starts
		// (CannotPullContainerError): the platform is the stack's, the
		// one the pipeline builds the image for.
		// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#runtime-platform
		RuntimePlatform: &ecs.TaskDefinitionRuntimePlatformArgs{
			OperatingSystemFamily: pulumi.String(stacks.ECSOperatingSystem),
			CpuArchitecture:       pulumi.String(cfg.Platform().ECS),
		},
		Tags: tags(cfg),
	}, parent)
	if err != nil {
		return fmt.Errorf("create %s task definition: %w", p.Color, err)
	}
	svc, err := ecs.NewService(ctx, p.Color, &ecs.ServiceArgs{
		Name:           pulumi.String(physicalName(cfg, p.Color)),
		Cluster:        shared.cluster.Arn,
		TaskDefinition: task.Arn,
		LaunchType:     pulumi.String("FARGATE"),
		DesiredCount:   pulumi.Int(cfg.DesiredCount),
		NetworkConfiguration: &ecs.ServiceNetworkConfigurationArgs{
			Subnets:        net.PrivateSubnetIDs,
			SecurityGroups: pulumi.StringArray{net.ServiceSecurityGroup},
			AssignPublicIp: pulumi.Bool(false),
		},
		LoadBalancers: ecs.ServiceLoadBalancerArray{&ecs.ServiceLoadBalancerArgs{
			TargetGroupArn: tg.Arn,
			ContainerName:  pulumi.String(containerName),
			ContainerPort:  pulumi.Int(cfg.ContainerPort),
		}},
		// A release whose tasks never turn healthy rolls itself back
		// instead of leaving the colour half-deployed.
		DeploymentCircuitBreaker: &ecs.ServiceDeploymentCircuitBreakerArgs{
			Enable:   pulumi.Bool(true),
			Rollback: pulumi.Bool(true),
		},
		HealthCheckGracePeriodSeconds: pulumi.Int(60),
		// The update returns only once the colour's new tasks run and pass
		// the target group's health check (or the circuit breaker gave up),
		// so the listener flip that follows a stage never sends traffic to
		// tasks still starting, and a rolled-back rollout is seen at once.
		WaitForSteadyState: pulumi.Bool(true),
		PropagateTags:      pulumi.String("SERVICE"),
		Tags:               tags(cfg),
	}, parent, pulumi.DependsOn([]pulumi.Resource{listener, shared.executionPolicy}))
	if err != nil {
		return fmt.Errorf("create %s service: %w", p.Color, err)
	}
	s.ServiceNames[p.Color] = svc.Name
	s.TaskDefinitionArns[p.Color] = task.Arn
	return nil
}

// imageReference is what a task pulls: by digest when the release knows
// it (immutable: the image staging verified), else by tag.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_image
func imageReference(repositoryURL string, p colorPlan) string {
	if p.Digest != "" {
		return repositoryURL + "@" + p.Digest
	}
	return repositoryURL + ":" + p.ImageTag
}

// containerSpec is what varies between the two colours' containers.
type containerSpec struct {
	Image    string
	Port     int
	LogGroup string
	Region   string
	Color    string
}

// containerDefinitions renders the task's container JSON.
func containerDefinitions(c containerSpec) (string, error) {
	defs := []map[string]any{{
		"name":         containerName,
		"image":        c.Image,
		"essential":    true,
		"portMappings": []map[string]any{{"containerPort": c.Port, "protocol": "tcp"}},
		"logConfiguration": map[string]any{
			"logDriver": "awslogs",
			"options": map[string]string{
				"awslogs-group":         c.LogGroup,
				"awslogs-region":        c.Region,
				"awslogs-stream-prefix": c.Color,
			},
		},
	}}
	b, err := json.Marshal(defs)
	if err != nil {
		return "", fmt.Errorf("marshal container definitions: %w", err)
	}
	return string(b), nil
}
