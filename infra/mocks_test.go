package infra

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/kirikae/kirikae/stacks"
)

const (
	mockAccount = "123456789012"
	mockVersion = "7" // version every mocked function publishes
)

// recorded is one resource registration seen by the mock monitor.
type recorded struct {
	Type    string
	Name    string
	Custom  bool
	Parent  resource.URN
	Inputs  resource.PropertyMap
	Outputs resource.PropertyMap
	ID      string
	// Provider is the explicit provider reference ("urn::id"), "" for the
	// default provider.
	Provider string
}

// mocks implements pulumi.MockResourceMonitor, answering with plausible
// computed outputs and recording every registration.
type mocks struct {
	mu              sync.Mutex
	resources       []recorded
	calls           []string
	callArgs        map[string]resource.PropertyMap
	registerOutputs int
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	// IDs like "api-http" or "bucketv2-bucket": readable in assertions.
	id := strings.ToLower(args.TypeToken[strings.LastIndex(args.TypeToken, ":")+1:]) + "-" + args.Name
	out := args.Inputs.Copy()
	if args.Custom {
		for k, v := range computed(args.TypeToken, args.Name, id, args.Inputs) {
			out[resource.PropertyKey(k)] = resource.NewProperty(v)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.resources = append(m.resources, recorded{
		Type:     args.TypeToken,
		Name:     args.Name,
		Custom:   args.Custom,
		Parent:   resource.URN(args.RegisterRPC.GetParent()),
		Inputs:   args.Inputs,
		Outputs:  out,
		ID:       id,
		Provider: args.Provider,
	})
	return id, out, nil
}

// Call records invokes and answers the one the program makes: the
// region's availability zones (a mock region without a "b" zone, so a
// program that appends letters to the region shows up).
func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, args.Token)
	if m.callArgs == nil {
		m.callArgs = map[string]resource.PropertyMap{}
	}
	m.callArgs[args.Token] = args.Args
	if args.Token == "aws:index/getAvailabilityZones:getAvailabilityZones" {
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": "eu-west-1", "names": []any{"eu-west-1a", "eu-west-1c", "eu-west-1d"},
			"zoneIds": []any{"euw1-az1", "euw1-az3", "euw1-az2"},
		}), nil
	}
	return resource.PropertyMap{}, nil
}

// RegisterResourceOutputs counts RegisterResourceOutputs calls (components
// and the root stack).
func (m *mocks) RegisterResourceOutputs() (*emptypb.Empty, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.registerOutputs++
	return &emptypb.Empty{}, nil
}

// computed returns the provider-computed outputs of a resource.
func computed(typ, name, id string, in resource.PropertyMap) map[string]string {
	str := func(key string) string {
		if v, ok := in[resource.PropertyKey(key)]; ok && v.IsString() {
			return v.StringValue()
		}
		return name
	}
	out := map[string]string{"arn": fmt.Sprintf("arn:aws:mock:eu-west-1:%s:%s/%s", mockAccount, typ, name)}
	switch typ {
	case "aws:lambda/function:Function":
		arn := "arn:aws:lambda:eu-west-1:" + mockAccount + ":function:" + str("name")
		out["arn"] = arn
		out["version"] = mockVersion
		out["qualifiedArn"] = arn + ":" + mockVersion
		out["invokeArn"] = invokeARN(arn)
	case "aws:lambda/alias:Alias":
		arn := "arn:aws:lambda:eu-west-1:" + mockAccount + ":function:" + str("functionName") + ":" + str("name")
		out["arn"] = arn
		out["invokeArn"] = invokeARN(arn)
	case "aws:lb/loadBalancer:LoadBalancer":
		out["dnsName"] = str("name") + "-1.eu-west-1.elb.amazonaws.com"
		out["arnSuffix"] = "app/" + str("name") + "/0001"
	case "aws:lb/targetGroup:TargetGroup":
		out["arnSuffix"] = "targetgroup/" + str("name") + "/0002"
		out["arn"] = "arn:aws:elasticloadbalancing:eu-west-1:" + mockAccount + ":" + out["arnSuffix"]
	case "aws:ecr/repository:Repository":
		out["repositoryUrl"] = mockAccount + ".dkr.ecr.eu-west-1.amazonaws.com/" + str("name")
	case "aws:apigatewayv2/api:Api":
		out["executionArn"] = "arn:aws:execute-api:eu-west-1:" + mockAccount + ":" + id
		out["apiEndpoint"] = "https://" + id + ".execute-api.eu-west-1.amazonaws.com"
	case "aws:s3/bucketV2:BucketV2":
		out["bucket"] = str("bucket")
		out["arn"] = "arn:aws:s3:::" + str("bucket")
		out["bucketRegionalDomainName"] = str("bucket") + ".s3.eu-west-1.amazonaws.com"
	case "aws:cloudfront/distribution:Distribution":
		out["arn"] = "arn:aws:cloudfront::" + mockAccount + ":distribution/" + id
		out["domainName"] = "d111111abcdef8.cloudfront.net"
	case "aws:iam/role:Role", "aws:ecs/cluster:Cluster", "aws:cloudwatch/logGroup:LogGroup", "aws:sns/topic:Topic":
		out["name"] = str("name")
	}
	return out
}

func invokeARN(functionARN string) string {
	return "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/" + functionARN + "/invocations"
}

// testConfig is a complete staging config for one backend, as the stacks
// loader would produce it.
func testConfig(backend string) stacks.Config {
	return stacks.Config{
		Stack:                   "staging",
		Region:                  "eu-west-1",
		Backend:                 backend,
		ServiceName:             "api",
		ImageRepository:         "api",
		ImageRepositoryOwner:    true,
		ImageTag:                "v2",
		CPU:                     256,
		Memory:                  512,
		DesiredCount:            1,
		ContainerPort:           8080,
		HealthCheckPath:         "/healthz",
		DrainSeconds:            10,
		LogRetention:            14,
		LambdaArtifact:          "s3://artifacts/api/v2.zip",
		LambdaMemory:            256,
		LambdaTimeout:           10,
		LambdaRuntime:           "provided.al2023",
		LambdaHandler:           "bootstrap",
		FrontendEnabled:         true,
		FrontendRelease:         "r1",
		KeepReleases:            5,
		Strategy:                stacks.StrategyBlueGreen,
		Alarm5xxThreshold:       5,
		AlarmUnhealthyThreshold: 1,
		AlarmLambdaErrors:       3,
		AlarmLambdaThrottles:    2,
		AlarmCloudFront5xxRate:  1.5,
		AlertEmails:             []string{"ops@example.com", "oncall@example.com"},
	}
}

// run runs Program against fresh mocks and fails the test on error.
func run(t *testing.T, cfg stacks.Config) *mocks {
	t.Helper()
	m, err := runErr(cfg)
	require.NoError(t, err)
	return m
}

func runErr(cfg stacks.Config) (*mocks, error) {
	m := &mocks{}
	err := pulumi.RunErr(Program(cfg), pulumi.WithMocks("kirikae", cfg.Stack, m))
	return m, err
}

func (m *mocks) ofType(typ string) []recorded {
	var out []recorded
	for _, r := range m.resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// one returns the single resource of a type and logical name.
func (m *mocks) one(t *testing.T, typ, name string) recorded {
	t.Helper()
	var found []recorded
	for _, r := range m.ofType(typ) {
		if r.Name == name {
			found = append(found, r)
		}
	}
	require.Len(t, found, 1, "resources %s named %q", typ, name)
	return found[0]
}

// at walks into a property value by object keys (string) and array
// indexes (int), unwrapping secrets, and fails the test on a missing step.
func at(t *testing.T, pm resource.PropertyMap, path ...any) resource.PropertyValue {
	t.Helper()
	v := resource.NewProperty(pm)
	for _, step := range path {
		for v.IsSecret() {
			v = v.SecretValue().Element
		}
		switch s := step.(type) {
		case string:
			require.True(t, v.IsObject(), "%v: not an object at %q", path, s)
			next, ok := v.ObjectValue()[resource.PropertyKey(s)]
			require.True(t, ok, "%v: no key %q", path, s)
			v = next
		case int:
			require.True(t, v.IsArray(), "%v: not an array at %d", path, s)
			require.Greater(t, len(v.ArrayValue()), s, "%v: index %d", path, s)
			v = v.ArrayValue()[s]
		}
	}
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

func str(t *testing.T, pm resource.PropertyMap, path ...any) string {
	t.Helper()
	v := at(t, pm, path...)
	require.True(t, v.IsString(), "%v is %v, not a string", path, v)
	return v.StringValue()
}

func strs(t *testing.T, pm resource.PropertyMap, path ...any) []string {
	t.Helper()
	v := at(t, pm, path...)
	require.True(t, v.IsArray(), "%v is %v, not an array", path, v)
	var out []string
	for i := range v.ArrayValue() {
		out = append(out, str(t, pm, append(append([]any{}, path...), i)...))
	}
	return out
}

func has(pm resource.PropertyMap, key string) bool {
	v, ok := pm[resource.PropertyKey(key)]
	return ok && !v.IsNull()
}
