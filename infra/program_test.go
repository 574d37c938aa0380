package infra

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/stacks"
)

// variants are configs covering every optional branch of the program.
func variants(t *testing.T) map[string]stacks.Config {
	ecs := testConfig(stacks.BackendECS)
	ecsExistingVPC := testConfig(stacks.BackendECS)
	ecsExistingVPC.VPCID = "vpc-0123"
	ecsExistingVPC.PublicSubnetIDs = []string{"subnet-pub1", "subnet-pub2"}
	ecsExistingVPC.PrivateSubnetIDs = []string{"subnet-priv1", "subnet-priv2"}
	ecsExistingVPC.FrontendEnabled = false
	lambdaS3 := testConfig(stacks.BackendLambda)
	withWebhook(t, &lambdaS3, "https://hooks.example.com/kirikae")
	lambdaLocal := testConfig(stacks.BackendLambda)
	lambdaLocal.LambdaArtifact = t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(lambdaLocal.LambdaArtifact, "bootstrap"), []byte("fn"), 0o755))
	lambdaLocal.LambdaAliasVersion = "3"
	lambdaLocal.LambdaCanaryWeight = 10
	lambdaLocal.FrontendEnabled = false
	ecsTLS := testConfig(stacks.BackendECS)
	ecsTLS.CertificateARN, ecsTLS.APIDomain = "arn:aws:acm:eu-west-1:123456789012:certificate/0f0e", "api.example.com"
	ecsTLS.FrontendCertificateARN, ecsTLS.FrontendDomain = "arn:aws:acm:us-east-1:123456789012:certificate/9a8b", "www.example.com"
	ecsTLS.ImagePullAccounts = []string{"210987654321"}
	ecsPulls := testConfig(stacks.BackendECS)
	ecsPulls.ImageRepositoryOwner, ecsPulls.ImageRegistryID = false, "111122223333"
	return map[string]stacks.Config{
		"ecs": ecs, "ecs-existing-vpc": ecsExistingVPC, "ecs-tls": ecsTLS, "ecs-pulls": ecsPulls,
		"lambda-s3": lambdaS3, "lambda-local-canary": lambdaLocal,
	}
}

func TestEveryResourceIsInsideAKirikaeComponent(t *testing.T) {
	for name, cfg := range variants(t) {
		t.Run(name, func(t *testing.T) {
			m := run(t, cfg)
			components := 0
			for _, r := range m.resources {
				if !r.Custom {
					components++
					assert.Contains(t, ComponentTypes(), r.Type, "component %s", r.Name)
					assert.Equal(t, resource.RootStackType, r.Parent.Type(), "component %s parent", r.Name)
					continue
				}
				if strings.HasPrefix(r.Type, "pulumi:providers:") {
					// A region's provider sits at the root, where kirikae's
					// targeted updates never meet it (newRegionTopic).
					assert.Equal(t, resource.RootStackType, r.Parent.Type(), "provider %s parent", r.Name)
					continue
				}
				assert.Contains(t, ComponentTypes(), string(r.Parent.Type()),
					"%s %q must be a child of a kirikae component, parent %q", r.Type, r.Name, r.Parent)
			}
			assert.GreaterOrEqual(t, components, 2)
			// One RegisterResourceOutputs per component, plus the stack's.
			assert.Equal(t, components+1, m.registerOutputs)
			for _, c := range m.calls {
				assert.Equal(t, "aws:index/getAvailabilityZones:getAvailabilityZones", c,
					"the only data source the program reads is the zone list (the sandbox answers no other)")
			}
		})
	}
}

func TestComponentsByBackend(t *testing.T) {
	tests := map[string][]string{
		"ecs":                 {TypeNetwork, TypeECSService, TypeFrontend, TypeMonitoring},
		"ecs-existing-vpc":    {TypeNetwork, TypeECSService, TypeMonitoring},
		"lambda-s3":           {TypeLambdaAPI, TypeFrontend, TypeMonitoring},
		"lambda-local-canary": {TypeLambdaAPI, TypeMonitoring},
	}
	cfgs := variants(t)
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			m := run(t, cfgs[name])
			var got []string
			for _, r := range m.resources {
				if !r.Custom {
					got = append(got, r.Type)
				}
			}
			assert.ElementsMatch(t, want, got)
		})
	}
}

func TestResourceTypesCoverEveryRegisteredType(t *testing.T) {
	types := ResourceTypes()
	assert.True(t, sort.StringsAreSorted(types))
	seen := map[string]bool{}
	for _, cfg := range variants(t) {
		for _, r := range run(t, cfg).resources {
			// A provider (the one managing the CloudFront alarm in
			// us-east-1) is the engine's, not a resource the sandbox models.
			if r.Custom && !strings.HasPrefix(r.Type, "pulumi:providers:") {
				assert.Contains(t, types, r.Type)
				seen[r.Type] = true
			}
		}
	}
	// And the list holds nothing the program never registers.
	for _, typ := range types {
		assert.True(t, seen[typ], "ResourceTypes lists %s but no variant registers it", typ)
	}
	assert.Len(t, types, 41)
}

// taggable are the registered types that accept tags.
var taggable = map[string]bool{
	"aws:ec2/vpc:Vpc": true, "aws:ec2/subnet:Subnet": true, "aws:ec2/internetGateway:InternetGateway": true,
	"aws:ec2/eip:Eip": true, "aws:ec2/natGateway:NatGateway": true, "aws:ec2/routeTable:RouteTable": true,
	"aws:ec2/securityGroup:SecurityGroup": true, "aws:ecr/repository:Repository": true,
	"aws:ecs/cluster:Cluster": true, "aws:ecs/taskDefinition:TaskDefinition": true,
	"aws:ecs/service:Service": true, "aws:lb/loadBalancer:LoadBalancer": true,
	"aws:lb/targetGroup:TargetGroup": true, "aws:lb/listener:Listener": true,
	"aws:cloudwatch/logGroup:LogGroup": true, "aws:iam/role:Role": true,
	"aws:lambda/function:Function": true, "aws:apigatewayv2/api:Api": true,
	"aws:apigatewayv2/stage:Stage": true, "aws:s3/bucketV2:BucketV2": true,
	"aws:cloudfront/distribution:Distribution": true, "aws:sns/topic:Topic": true,
	"aws:cloudwatch/metricAlarm:MetricAlarm": true,
}

func TestEveryTaggableResourceIsTagged(t *testing.T) {
	for name, cfg := range variants(t) {
		t.Run(name, func(t *testing.T) {
			tagged := 0
			for _, r := range run(t, cfg).resources {
				if !taggable[r.Type] {
					continue
				}
				tagged++
				assert.Equal(t, "staging", str(t, r.Inputs, "tags", TagStack), "%s %s", r.Type, r.Name)
				assert.Equal(t, "api", str(t, r.Inputs, "tags", TagService), "%s %s", r.Type, r.Name)
				assert.Equal(t, "kirikae", str(t, r.Inputs, "tags", TagManagedBy), "%s %s", r.Type, r.Name)
			}
			assert.Greater(t, tagged, 5)
		})
	}
}

// names is the multiset of (type, logical name) pairs a run registers.
func names(m *mocks) []string {
	var out []string
	for _, r := range m.resources {
		out = append(out, r.Type+"::"+r.Name)
	}
	slices.Sort(out)
	return out
}

func TestStagingAndProductRegisterTheSameNames(t *testing.T) {
	for _, backend := range []string{stacks.BackendECS, stacks.BackendLambda} {
		t.Run(backend, func(t *testing.T) {
			staging := testConfig(backend)
			product := testConfig(backend)
			product.Stack = "product"
			product.DesiredCount = 3
			product.CPU = 1024
			product.Memory = 2048
			product.LambdaMemory = 1024
			product.LogRetention = 90
			product.Alarm5xxThreshold = 1
			product.AlarmLambdaErrors = 1
			product.AlertEmails = []string{"pager@example.com", "lead@example.com"}

			s, p := run(t, staging), run(t, product)
			require.NotEmpty(t, names(s))
			assert.Equal(t, names(s), names(p))
			// Physical names do differ: they carry the stack.
			named := map[string]string{
				stacks.BackendECS:    "aws:ecs/cluster:Cluster",
				stacks.BackendLambda: "aws:lambda/function:Function",
			}[backend]
			assert.Equal(t, "api-staging", str(t, s.ofType(named)[0].Inputs, "name"))
			assert.Equal(t, "api-product", str(t, p.ofType(named)[0].Inputs, "name"))
		})
	}
}

// outputsOf runs build and resolves its outputs.
func outputsOf(t *testing.T, cfg stacks.Config) map[string]string {
	t.Helper()
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		got = map[string]string{}
	)
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		outs, _, err := build(ctx, cfg)
		if err != nil {
			return err
		}
		for name, o := range outs {
			wg.Add(1)
			o.ApplyT(func(v string) string {
				mu.Lock()
				defer mu.Unlock()
				got[name] = v
				wg.Done()
				return v
			})
		}
		return nil
	}, pulumi.WithMocks("kirikae", cfg.Stack, &mocks{}))
	require.NoError(t, err)
	wg.Wait()
	return got
}

func TestOutputsForECS(t *testing.T) {
	cfg := testConfig(stacks.BackendECS)
	cfg.ActiveColor = stacks.ColorGreen
	got := outputsOf(t, cfg)
	assert.Equal(t, map[string]string{
		OutputURL:             "http://api-staging-1.eu-west-1.elb.amazonaws.com",
		OutputFrontendURL:     "https://d111111abcdef8.cloudfront.net",
		OutputImageTag:        "v2",
		OutputActiveColor:     "green",
		OutputLambdaVersion:   "",
		OutputFrontendRelease: "r1",
		OutputAlarmTopicArn:   "arn:aws:mock:eu-west-1:123456789012:aws:sns/topic:Topic/alarms",
		OutputClusterName:     "api-staging",
		// Active is green here, so the idle outputs name blue.
		OutputActiveService:        "api-staging-green",
		OutputActiveTaskDefinition: "arn:aws:mock:eu-west-1:123456789012:aws:ecs/taskDefinition:TaskDefinition/green",
		OutputIdleService:          "api-staging-blue",
		OutputIdleTaskDefinition:   "arn:aws:mock:eu-west-1:123456789012:aws:ecs/taskDefinition:TaskDefinition/blue",
		OutputLambdaLatestVersion:  "",
		OutputFrontendBucket:       "api-staging-frontend-" + mockAccount,
		OutputDistributionID:       "distribution-cdn",
	}, got)
}

func TestOutputsForLambdaWithoutFrontend(t *testing.T) {
	cfg := testConfig(stacks.BackendLambda)
	cfg.FrontendEnabled = false
	got := outputsOf(t, cfg)
	assert.Equal(t, map[string]string{
		OutputURL:                  "https://api-http.execute-api.eu-west-1.amazonaws.com",
		OutputFrontendURL:          "",
		OutputImageTag:             "",
		OutputActiveColor:          "",
		OutputLambdaVersion:        mockVersion,
		OutputFrontendRelease:      "",
		OutputAlarmTopicArn:        "arn:aws:mock:eu-west-1:123456789012:aws:sns/topic:Topic/alarms",
		OutputClusterName:          "",
		OutputActiveService:        "",
		OutputActiveTaskDefinition: "",
		OutputIdleService:          "",
		OutputIdleTaskDefinition:   "",
		OutputLambdaLatestVersion:  mockVersion,
		OutputFrontendBucket:       "",
		OutputDistributionID:       "",
	}, got)
}

func TestLambdaLatestVersionIsPublishedEvenWhenAliasIsPinned(t *testing.T) {
	cfg := testConfig(stacks.BackendLambda)
	cfg.LambdaAliasVersion = "3"
	got := outputsOf(t, cfg)
	assert.Equal(t, "3", got[OutputLambdaVersion], "the alias stays on the pinned version")
	assert.Equal(t, mockVersion, got[OutputLambdaLatestVersion], "the staged version is still reported")
}

func TestOutputNamesAreTheDeclaredConstants(t *testing.T) {
	assert.ElementsMatch(t, []string{
		"url", "frontendUrl", "imageTag", "activeColor", "lambdaVersion", "frontendRelease", "alarmTopicArn",
		"clusterName", "activeService", "activeTaskDefinition", "idleService", "idleTaskDefinition",
		"lambdaLatestVersion", "frontendBucket", "distributionId",
	}, OutputNames())
}

func TestUnknownBackendFails(t *testing.T) {
	cfg := testConfig("fargate-spot")
	_, err := runErr(cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `backend "fargate-spot"`)
}
