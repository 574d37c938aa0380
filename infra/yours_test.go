package infra

import (
	"sync"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/stacks"
)

// resolve waits for a string output of a mocked program.
func resolve(wg *sync.WaitGroup, mu *sync.Mutex, into map[string]string, key string, o pulumi.StringOutput) {
	wg.Add(1)
	o.ApplyT(func(v string) string {
		mu.Lock()
		into[key] = v
		mu.Unlock()
		wg.Done()
		return v
	})
}

// yoursGot runs the program with a Yours that records what it was given and
// adds one queue, as a team's would.
func yoursGot(t *testing.T, cfg stacks.Config) (YoursInput, map[string]string, *mocks) {
	t.Helper()
	var (
		in    YoursInput
		calls int
		mu    sync.Mutex
		wg    sync.WaitGroup
		got   = map[string]string{}
		m     = &mocks{}
	)
	yours := func(ctx *pulumi.Context, y YoursInput) error {
		calls++
		in = y
		// Yours runs after the built-in components: all of them exist.
		m.mu.Lock()
		for _, r := range m.resources {
			if !r.Custom {
				got["component "+r.Type] = r.Name
			}
		}
		m.mu.Unlock()
		if y.Network != nil {
			resolve(&wg, &mu, got, "vpc", y.Network.VpcID)
			resolve(&wg, &mu, got, "serviceSG", y.Network.ServiceSecurityGroupID)
			resolve(&wg, &mu, got, "albSG", y.Network.ALBSecurityGroupID)
		}
		if y.ExecutionRole != nil {
			resolve(&wg, &mu, got, "role", y.ExecutionRole.Arn)
		}
		if y.FunctionRole != nil {
			resolve(&wg, &mu, got, "role", y.FunctionRole.Arn)
		}
		_, err := sqs.NewQueue(ctx, "jobs", &sqs.QueueArgs{Name: pulumi.String(y.Name("jobs")), Tags: y.Tags})
		return err
	}
	require.NoError(t, pulumi.RunErr(ProgramWith(cfg, yours), pulumi.WithMocks("kirikae", cfg.Stack, m)))
	wg.Wait()
	require.Equal(t, 1, calls, "Yours is called once")
	return in, got, m
}

func TestYoursGetsConfigNetworkAndRoleOfECS(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	in, got, m := yoursGot(t, cfg)
	assert.Equal(t, cfg, in.Config)
	require.NotNil(t, in.Network)
	assert.Equal(t, m.one(t, "aws:ec2/vpc:Vpc", "vpc").ID, got["vpc"])
	assert.Equal(t, m.one(t, "aws:ec2/securityGroup:SecurityGroup", "service").ID, got["serviceSG"])
	assert.Equal(t, m.one(t, "aws:ec2/securityGroup:SecurityGroup", "alb").ID, got["albSG"])
	assert.Equal(t, m.one(t, "aws:iam/role:Role", "execution").Outputs["arn"].StringValue(), got["role"])
	assert.Nil(t, in.FunctionRole)
	assert.Same(t, in.ExecutionRole, in.Role())

	for _, c := range []string{TypeNetwork, TypeECSService, TypeFrontend, TypeMonitoring} {
		assert.Contains(t, got, "component "+c, "Yours runs after the built-in components")
	}
	q := m.one(t, "aws:sqs/queue:Queue", "jobs")
	assert.Equal(t, "api-staging-jobs", q.Inputs["name"].StringValue())
	assert.Equal(t, "kirikae", q.Inputs["tags"].ObjectValue()[TagManagedBy].StringValue())
}

func TestYoursGetsTheFunctionRoleOfLambda(t *testing.T) {
	cfg := testConfig(stacks.BackendLambda)
	in, got, m := yoursGot(t, cfg)
	assert.Nil(t, in.Network, "the lambda backend has no VPC")
	assert.Nil(t, in.ExecutionRole)
	assert.Same(t, in.FunctionRole, in.Role())
	assert.Equal(t, m.one(t, "aws:iam/role:Role", "function").Outputs["arn"].StringValue(), got["role"])
}

func TestTemplateYoursAddsNothing(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	withYours := run(t, cfg)
	m := &mocks{}
	require.NoError(t, pulumi.RunErr(ProgramWith(cfg, nil), pulumi.WithMocks("kirikae", cfg.Stack, m)))
	assert.Len(t, withYours.resources, len(m.resources), "the template's Yours is empty")
}
