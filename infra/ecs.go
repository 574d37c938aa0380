package infra

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/stacks"
)

// ecsService is the Fargate backend: one cluster and one ALB shared by a
// blue and a green service. A release switch or rollback changes only the
// listener weights and the idle colour's task definition, never the cluster
// or the ALB, so it is fast and cannot drop the load balancer's DNS name.
type ecsService struct {
	pulumi.ResourceState

	URL pulumi.StringOutput
	// TestURL reaches the idle colour through the test listener ("" when
	// kirikae:testListenerPort is 0).
	TestURL             pulumi.StringOutput
	ALBArnSuffix        pulumi.StringOutput
	TargetGroupSuffixes map[string]pulumi.StringOutput // by colour
	ClusterName         pulumi.StringOutput
	// ServiceNames and TaskDefinitionArns are by colour: the deploy layer
	// compares the requested task definition with what ECS really runs.
	ServiceNames       map[string]pulumi.StringOutput
	TaskDefinitionArns map[string]pulumi.StringOutput
	// ExecutionRole is the role ECS starts the tasks with (image pulls,
	// log writes); Yours receives it.
	ExecutionRole *iam.Role
}

// ecsShared are the resources both colours use.
type ecsShared struct {
	repo          *imageRepository
	cluster       *ecs.Cluster
	logGroup      *cloudwatch.LogGroup
	executionRole *iam.Role
	// executionPolicy is waited on by the services: a task started before
	// the policy exists cannot pull its image.
	executionPolicy *iam.RolePolicy
}

func newECSService(ctx *pulumi.Context, cfg stacks.Config, net *network) (*ecsService, error) {
	plans, err := colorPlans(cfg)
	if err != nil {
		return nil, fmt.Errorf("create ecs service: %w", err)
	}
	s := &ecsService{
		TargetGroupSuffixes: map[string]pulumi.StringOutput{},
		ServiceNames:        map[string]pulumi.StringOutput{},
		TaskDefinitionArns:  map[string]pulumi.StringOutput{},
	}
	if err := ctx.RegisterComponentResource(TypeECSService, "service", s); err != nil {
		return nil, fmt.Errorf("register ecs service: %w", err)
	}
	shared, err := s.createShared(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s.ExecutionRole = shared.executionRole
	alb, err := lb.NewLoadBalancer(ctx, "alb", &lb.LoadBalancerArgs{
		Name:             pulumi.String(limitedName(baseName(cfg), "", maxALBName)),
		LoadBalancerType: pulumi.String("application"),
		Subnets:          net.PublicSubnetIDs,
		SecurityGroups:   pulumi.StringArray{net.ALBSecurityGroup},
		Tags:             tags(cfg),
	}, pulumi.Parent(s))
	if err != nil {
		return nil, fmt.Errorf("create load balancer: %w", err)
	}

	groups := make([]*lb.TargetGroup, len(plans))
	var idleGroup *lb.TargetGroup
	forward := lb.ListenerDefaultActionForwardTargetGroupArray{}
	for i, p := range plans {
		tg, err := s.createTargetGroup(ctx, cfg, net, p.Color)
		if err != nil {
			return nil, err
		}
		groups[i] = tg
		if !p.Active {
			idleGroup = tg
		}
		s.TargetGroupSuffixes[p.Color] = tg.ArnSuffix
		forward = append(forward, &lb.ListenerDefaultActionForwardTargetGroupArgs{
			Arn:    tg.Arn,
			Weight: pulumi.Int(p.Weight),
		})
	}
	listener, err := s.createListeners(ctx, cfg, alb, forward)
	if err != nil {
		return nil, err
	}
	if s.TestURL, err = s.createTestListener(ctx, cfg, alb, idleGroup); err != nil {
		return nil, err
	}
	for i, p := range plans {
		if err := s.createColor(ctx, cfg, net, shared, groups[i], listener, p); err != nil {
			return nil, err
		}
	}

	s.ClusterName = shared.cluster.Name
	s.URL = pulumi.Sprintf("http://%s", alb.DnsName)
	if cfg.CertificateARN != "" {
		s.URL = pulumi.String("https://" + cfg.APIDomain).ToStringOutput()
	}
	s.ALBArnSuffix = alb.ArnSuffix
	if err := ctx.RegisterResourceOutputs(s, pulumi.Map{
		"url":           s.URL,
		"repositoryUrl": shared.repo.url,
		"clusterName":   shared.cluster.Name,
		"listenerArn":   listener.Arn,
	}); err != nil {
		return nil, fmt.Errorf("register ecs service outputs: %w", err)
	}
	return s, nil
}

func (s *ecsService) createShared(ctx *pulumi.Context, cfg stacks.Config) (*ecsShared, error) {
	parent := pulumi.Parent(s)
	cluster, err := ecs.NewCluster(ctx, "cluster", &ecs.ClusterArgs{
		Name: pulumi.String(baseName(cfg)),
		Tags: tags(cfg),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create cluster: %w", err)
	}
	logGroup, err := cloudwatch.NewLogGroup(ctx, "logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(LogGroupName(cfg)),
		RetentionInDays: pulumi.Int(cfg.LogRetention),
		Tags:            tags(cfg),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create log group: %w", err)
	}
	account := logGroup.Arn.ApplyT(accountOf).(pulumi.StringOutput)
	repo, err := s.imageRepository(ctx, cfg, account)
	if err != nil {
		return nil, err
	}
	// Only ECS tasks of this account may assume the role.
	assume := account.ApplyT(func(account string) (string, error) {
		return assumeRolePolicy("ecs-tasks.amazonaws.com", account)
	}).(pulumi.StringOutput)
	role, err := iam.NewRole(ctx, "execution", &iam.RoleArgs{
		AssumeRolePolicy: assume,
		Tags:             tags(cfg),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create execution role: %w", err)
	}
	policy := pulumi.All(repo.arn, logGroup.Arn).ApplyT(func(args []any) (string, error) {
		return executionRolePolicy(args[0].(string), args[1].(string))
	}).(pulumi.StringOutput)
	attachment, err := iam.NewRolePolicy(ctx, "execution", &iam.RolePolicyArgs{
		Role:   role.Name,
		Policy: policy,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("create execution policy: %w", err)
	}
	return &ecsShared{
		repo:            repo,
		cluster:         cluster,
		logGroup:        logGroup,
		executionRole:   role,
		executionPolicy: attachment,
	}, nil
}
