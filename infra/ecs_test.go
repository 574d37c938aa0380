package infra

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/stacks"
)

const (
	typeTargetGroup = "aws:lb/targetGroup:TargetGroup"
	typeTaskDef     = "aws:ecs/taskDefinition:TaskDefinition"
	typeECSService  = "aws:ecs/service:Service"
)

// listenerWeights maps each forwarded target group's colour to its weight.
func listenerWeights(t *testing.T, m *mocks) map[string]float64 {
	t.Helper()
	listener := m.one(t, "aws:lb/listener:Listener", "http")
	assert.Equal(t, float64(80), at(t, listener.Inputs, "port").NumberValue())
	assert.Equal(t, "forward", str(t, listener.Inputs, "defaultActions", 0, "type"))
	groups := at(t, listener.Inputs, "defaultActions", 0, "forward", "targetGroups").ArrayValue()
	require.Len(t, groups, 2)
	colorOf := map[string]string{}
	for _, c := range []string{stacks.ColorBlue, stacks.ColorGreen} {
		colorOf[str(t, m.one(t, typeTargetGroup, c).Outputs, "arn")] = c
	}
	weights := map[string]float64{}
	for _, g := range groups {
		color, ok := colorOf[g.ObjectValue()["arn"].StringValue()]
		require.True(t, ok, "listener forwards to an unknown target group %v", g)
		weights[color] = g.ObjectValue()["weight"].NumberValue()
	}
	return weights
}

func TestListenerWeightsFollowActiveColorAndIdleWeight(t *testing.T) {
	tests := []struct {
		name   string
		active string
		idle   int
		want   map[string]float64
	}{
		{"default active is blue", "", 0, map[string]float64{"blue": 100, "green": 0}},
		{"blue active", stacks.ColorBlue, 0, map[string]float64{"blue": 100, "green": 0}},
		{"green active", stacks.ColorGreen, 0, map[string]float64{"blue": 0, "green": 100}},
		{"canary to green", stacks.ColorBlue, 10, map[string]float64{"blue": 90, "green": 10}},
		{"canary to blue", stacks.ColorGreen, 10, map[string]float64{"blue": 10, "green": 90}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(stacks.BackendECS)
			cfg.ActiveColor, cfg.IdleWeight = tt.active, tt.idle
			assert.Equal(t, tt.want, listenerWeights(t, run(t, cfg)))
		})
	}
}

// container decodes a task definition's single container.
func container(t *testing.T, m *mocks, color string) map[string]any {
	t.Helper()
	var defs []map[string]any
	require.NoError(t, json.Unmarshal([]byte(str(t, m.one(t, typeTaskDef, color).Inputs, "containerDefinitions")), &defs))
	require.Len(t, defs, 1)
	return defs[0]
}

func TestTaskImagesFollowActiveAndIdleTags(t *testing.T) {
	tests := []struct {
		name              string
		active, idleTag   string
		wantBlue, wantGrn string
	}{
		{"blue active, idle keeps previous", stacks.ColorBlue, "v1", "v2", "v1"},
		{"green active, idle keeps previous", stacks.ColorGreen, "v1", "v1", "v2"},
		{"no idle tag runs the active image", stacks.ColorBlue, "", "v2", "v2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(stacks.BackendECS)
			cfg.ActiveColor, cfg.IdleImageTag = tt.active, tt.idleTag
			m := run(t, cfg)
			repoURL := str(t, m.one(t, "aws:ecr/repository:Repository", "repository").Outputs, "repositoryUrl")
			for color, tag := range map[string]string{"blue": tt.wantBlue, "green": tt.wantGrn} {
				c := container(t, m, color)
				assert.Equal(t, repoURL+":"+tag, c["image"], color)
				assert.Nil(t, c["environment"], "nothing tells the workload which release kirikae expects")
				assert.Equal(t, float64(8080), c["portMappings"].([]any)[0].(map[string]any)["containerPort"])
			}
		})
	}
}

// Tasks pull the image by the digest the release recorded, so a tag
// pushed again (or deleted and pushed) cannot change what a colour runs.
func TestTaskImagesPullByDigest(t *testing.T) {
	const d1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	const d2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
	cfg := testConfig(stacks.BackendECS)
	cfg.ActiveColor, cfg.ImageDigest, cfg.IdleImageTag, cfg.IdleImageDigest = stacks.ColorGreen, d2, "v1", d1
	m := run(t, cfg)
	repoURL := str(t, m.one(t, "aws:ecr/repository:Repository", "repository").Outputs, "repositoryUrl")
	assert.Equal(t, repoURL+"@"+d2, container(t, m, "green")["image"], "active colour: the release's digest")
	assert.Equal(t, repoURL+"@"+d1, container(t, m, "blue")["image"], "idle colour: the previous release's digest")

	cfg.IdleImageTag, cfg.IdleImageDigest = "", ""
	m = run(t, cfg)
	assert.Equal(t, repoURL+"@"+d2, container(t, m, "blue")["image"], "no idle image: the active digest")
}

func TestTaskDefinitionsAreFargateSizedFromConfig(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	cfg.CPU, cfg.Memory = 512, 1024
	m := run(t, cfg)
	role := m.one(t, "aws:iam/role:Role", "execution")
	for _, color := range []string{"blue", "green"} {
		td := m.one(t, typeTaskDef, color)
		assert.Equal(t, "api-staging-"+color, str(t, td.Inputs, "family"))
		assert.Equal(t, "512", str(t, td.Inputs, "cpu"))
		assert.Equal(t, "1024", str(t, td.Inputs, "memory"))
		assert.Equal(t, "awsvpc", str(t, td.Inputs, "networkMode"))
		assert.Equal(t, "FARGATE", str(t, td.Inputs, "requiresCompatibilities", 0))
		assert.Equal(t, str(t, role.Outputs, "arn"), str(t, td.Inputs, "executionRoleArn"))
		logs := container(t, m, color)["logConfiguration"].(map[string]any)["options"].(map[string]any)
		assert.Equal(t, "/ecs/api-staging", logs["awslogs-group"])
		assert.Equal(t, "eu-west-1", logs["awslogs-region"])
	}
	assert.Empty(t, m.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), "no AWS-managed policy with Resource *")
	assert.Contains(t, str(t, role.Inputs, "assumeRolePolicy"), `"Service":"ecs-tasks.amazonaws.com"`)
}

func TestServicesRunEachColorBehindItsTargetGroup(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	cfg.DesiredCount = 3
	m := run(t, cfg)
	cluster := m.one(t, "aws:ecs/cluster:Cluster", "cluster")
	for _, color := range []string{"blue", "green"} {
		svc := m.one(t, typeECSService, color)
		assert.Equal(t, "api-staging-"+color, str(t, svc.Inputs, "name"))
		assert.True(t, at(t, svc.Inputs, "deploymentCircuitBreaker", "enable").BoolValue())
		assert.True(t, at(t, svc.Inputs, "deploymentCircuitBreaker", "rollback").BoolValue())
		assert.True(t, at(t, svc.Inputs, "waitForSteadyState").BoolValue(), "a stage must finish before the flip")
		assert.Equal(t, float64(3), at(t, svc.Inputs, "desiredCount").NumberValue())
		assert.Equal(t, "FARGATE", str(t, svc.Inputs, "launchType"))
		assert.Equal(t, str(t, cluster.Outputs, "arn"), str(t, svc.Inputs, "cluster"))
		assert.Equal(t, str(t, m.one(t, typeTaskDef, color).Outputs, "arn"), str(t, svc.Inputs, "taskDefinition"))
		assert.Equal(t, str(t, m.one(t, typeTargetGroup, color).Outputs, "arn"),
			str(t, svc.Inputs, "loadBalancers", 0, "targetGroupArn"))
		assert.Equal(t, containerName, str(t, svc.Inputs, "loadBalancers", 0, "containerName"))
		assert.Equal(t, []string{"subnet-private-a", "subnet-private-b"}, // mock subnet IDs
			strs(t, svc.Inputs, "networkConfiguration", "subnets"))
		assert.False(t, at(t, svc.Inputs, "networkConfiguration", "assignPublicIp").BoolValue())
	}
}

func TestTargetGroupsCheckHealthOnTheContainerPort(t *testing.T) {
	m := run(t, testConfig(stacks.BackendECS))
	vpc := m.one(t, "aws:ec2/vpc:Vpc", "vpc")
	for _, color := range []string{"blue", "green"} {
		tg := m.one(t, typeTargetGroup, color)
		assert.Regexp(t, `^api-staging-`+color+`-[0-9a-f]{6}$`, str(t, tg.Inputs, "name"))
		assert.Equal(t, "ip", str(t, tg.Inputs, "targetType"))
		assert.Equal(t, float64(8080), at(t, tg.Inputs, "port").NumberValue())
		assert.Equal(t, "/healthz", str(t, tg.Inputs, "healthCheck", "path"))
		assert.Equal(t, vpc.ID, str(t, tg.Inputs, "vpcId"))
	}
}

// Both colours drain for kirikae:drainSeconds, not AWS's default 300 s:
// the delay is what an ECS deploy's steady-state wait lasts.
func TestTargetGroupsDrainForDrainSeconds(t *testing.T) {
	for _, secs := range []int{0, 10, 45} {
		cfg := testConfig(stacks.BackendECS)
		cfg.DrainSeconds = secs
		m := run(t, cfg)
		for _, color := range []string{"blue", "green"} {
			tg := m.one(t, typeTargetGroup, color)
			assert.Equal(t, float64(secs), at(t, tg.Inputs, "deregistrationDelay").NumberValue(), color)
		}
	}
}

func TestSharedResourcesAreNamedFromConfig(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	cfg.ImageRepository = "team/api"
	cfg.LogRetention = 30
	m := run(t, cfg)
	assert.Equal(t, "team/api", str(t, m.one(t, "aws:ecr/repository:Repository", "repository").Inputs, "name"))
	assert.Equal(t, "api-staging", str(t, m.one(t, "aws:ecs/cluster:Cluster", "cluster").Inputs, "name"))
	assert.Equal(t, "api-staging", str(t, m.one(t, "aws:lb/loadBalancer:LoadBalancer", "alb").Inputs, "name"))
	logs := m.one(t, "aws:cloudwatch/logGroup:LogGroup", "logs")
	assert.Equal(t, float64(30), at(t, logs.Inputs, "retentionInDays").NumberValue())
	assert.Equal(t, "/ecs/api-staging", str(t, logs.Inputs, "name"))
}

func TestLongServiceNamesStayWithinLoadBalancerLimitsAndDistinct(t *testing.T) {
	lbNames := func(stack string) []string {
		cfg := testConfig(stacks.BackendECS)
		cfg.ServiceName = "payments-reconciliation-service"
		cfg.Stack = stack
		m := run(t, cfg)
		return []string{
			str(t, m.one(t, "aws:lb/loadBalancer:LoadBalancer", "alb").Inputs, "name"),
			str(t, m.one(t, typeTargetGroup, "blue").Inputs, "name"),
			str(t, m.one(t, typeTargetGroup, "green").Inputs, "name"),
		}
	}
	staging, product := lbNames("staging"), lbNames("product")
	for i, want := range []string{`^payments-reconcil[a-z-]*[a-z]-[0-9a-f]{6}$`,
		`^payments-[a-z-]*[a-z]-[0-9a-f]{6}-blue-[0-9a-f]{6}$`, `^payments-[a-z-]*[a-z]-[0-9a-f]{6}-green-[0-9a-f]{6}$`} {
		for _, n := range []string{staging[i], product[i]} {
			assert.LessOrEqual(t, len(n), 32, n)
			assert.Regexp(t, want, n)
			assert.NotContains(t, n, "--")
		}
		assert.NotEqual(t, staging[i], product[i], "two stacks in one account need distinct names")
	}
}

func TestInvalidColorPlansFail(t *testing.T) {
	for name, mutate := range map[string]func(*stacks.Config){
		"unknown active color": func(c *stacks.Config) { c.ActiveColor = "red" },
		"idle weight above":    func(c *stacks.Config) { c.IdleWeight = 101 },
		"idle weight below":    func(c *stacks.Config) { c.IdleWeight = -1 },
	} {
		t.Run(name, func(t *testing.T) {
			cfg := testConfig(stacks.BackendECS)
			mutate(&cfg)
			_, err := runErr(cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "plan colors")
		})
	}
}

// A containerPort change replaces both target groups; the replacements are
// created before the old ones are deleted, so their names must differ or
// ELB refuses them (DuplicateTargetGroupName).
func TestTargetGroupNamesChangeWithTheirReplacement(t *testing.T) {
	names := func(port int) []string {
		cfg := testConfig(stacks.BackendECS)
		cfg.ContainerPort = port
		m := run(t, cfg)
		return []string{str(t, m.one(t, typeTargetGroup, "blue").Inputs, "name"),
			str(t, m.one(t, typeTargetGroup, "green").Inputs, "name")}
	}
	before, again, after := names(8080), names(8080), names(9090)
	assert.Equal(t, before, again, "an update that replaces nothing keeps the names")
	for i := range before {
		assert.NotEqual(t, before[i], after[i])
		assert.Regexp(t, `^api-staging-(blue|green)-[0-9a-f]{6}$`, after[i])
	}
}

// Both colours declare the stack's CPU platform: without runtimePlatform
// Fargate runs LINUX/X86_64, and an arm64 image never starts.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#runtime-platform
func TestTaskDefinitionsDeclareTheStacksRuntimePlatform(t *testing.T) {
	for arch, want := range map[string]string{"": "ARM64", stacks.ArchARM64: "ARM64", stacks.ArchX86_64: "X86_64"} {
		cfg := testConfig(stacks.BackendECS)
		cfg.CPUArchitecture = arch
		m := run(t, cfg)
		for _, color := range []string{"blue", "green"} {
			td := m.one(t, typeTaskDef, color)
			require.True(t, has(td.Inputs, "runtimePlatform"), "%s declares no runtimePlatform", color)
			assert.Equal(t, "LINUX", str(t, td.Inputs, "runtimePlatform", "operatingSystemFamily"), color)
			assert.Equal(t, want, str(t, td.Inputs, "runtimePlatform", "cpuArchitecture"), "%s with cpuArchitecture %q", color, arch)
		}
	}
}
