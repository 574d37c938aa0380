package cli_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/sandbox"
)

// awsJSONAt runs the AWS CLI and decodes its JSON answer.
func awsJSONAt(t *testing.T, b serveBanner, args ...string) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(awsAt(t, b, args...)), &v), "aws %v", args)
	return v
}

// awsFails runs an AWS CLI command that must fail and returns its error.
func awsFails(t *testing.T, b serveBanner, args ...string) string {
	t.Helper()
	_, err := awsCmd(t, b, args...).Output()
	var ee *exec.ExitError
	require.True(t, errors.As(err, &ee), "aws %v succeeded", args)
	return string(ee.Stderr)
}

// strs collects the string at key of every item of list v.
func strs(t *testing.T, v any, key string) []string {
	t.Helper()
	out := []string{}
	l, ok := v.([]any)
	if v == nil {
		return out
	}
	require.True(t, ok, "%v is not a list", v)
	for _, it := range l {
		s, _ := field(t, it, key).(string)
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func listOfStrings(t *testing.T, v any) []string {
	t.Helper()
	out := []string{}
	l, _ := v.([]any)
	for _, it := range l {
		s, _ := it.(string)
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// checkAWSReads runs every List/Describe/Get command the sandbox serves
// (docs/sandbox-aws-cli.md) against `sandbox serve` and checks each answer
// against the stack's outputs and what the provider holds.
func checkAWSReads(t *testing.T, b serveBanner, dir string, out func(string) string) {
	acct, err := deploy.OpenSandboxAccount(dir, "staging")
	require.NoError(t, err)
	all, err := acct.Resources()
	require.NoError(t, err)
	held := map[string][]sandbox.Resource{}
	for _, r := range all {
		held[r.Type] = append(held[r.Type], r)
	}
	ids := func(typ, key string) []string {
		out := []string{}
		for _, r := range held[typ] {
			if key == "id" {
				out = append(out, r.ID)
			} else {
				s, _ := r.Outputs[key].(string)
				out = append(out, s)
			}
		}
		sort.Strings(out)
		return out
	}
	cluster := out("clusterName")
	var serviceArn string
	for _, r := range held["aws:ecs/service:Service"] {
		if r.Outputs["name"] == out("activeService") || r.ID == out("activeService") {
			serviceArn = r.ID
		}
	}
	require.NotEmpty(t, serviceArn, "the provider holds the active service")

	t.Run("ecs list-clusters", func(t *testing.T) {
		got := awsJSONAt(t, b, "ecs", "list-clusters")
		assert.Equal(t, ids("aws:ecs/cluster:Cluster", "arn"), listOfStrings(t, field(t, got, "clusterArns")))
	})
	t.Run("ecs list-services", func(t *testing.T) {
		got := awsJSONAt(t, b, "ecs", "list-services", "--cluster", cluster)
		assert.Equal(t, ids("aws:ecs/service:Service", "id"), listOfStrings(t, field(t, got, "serviceArns")))
	})
	t.Run("ecs list-tasks and describe-tasks", func(t *testing.T) {
		var tasks []string
		require.Eventually(t, func() bool {
			got := awsJSONAt(t, b, "ecs", "list-tasks", "--cluster", cluster, "--service-name", serviceArn)
			tasks = listOfStrings(t, field(t, got, "taskArns"))
			return len(tasks) > 0
		}, 30*time.Second, 500*time.Millisecond, "the active service runs tasks")
		got := awsJSONAt(t, b, "ecs", "describe-tasks", "--cluster", cluster, "--tasks", tasks[0])
		assert.Equal(t, tasks[0], field(t, got, "tasks", 0, "taskArn"))
		assert.Equal(t, out("activeTaskDefinition"), field(t, got, "tasks", 0, "taskDefinitionArn"))
		assert.Equal(t, "RUNNING", field(t, got, "tasks", 0, "lastStatus"))
	})

	api, err := url.Parse(out("url"))
	require.NoError(t, err)
	lbs := awsJSONAt(t, b, "elbv2", "describe-load-balancers")
	t.Run("elbv2 describe-load-balancers", func(t *testing.T) {
		assert.Equal(t, ids("aws:lb/loadBalancer:LoadBalancer", "arn"), strs(t, field(t, lbs, "LoadBalancers"), "LoadBalancerArn"))
		assert.Contains(t, strs(t, field(t, lbs, "LoadBalancers"), "DNSName"), api.Hostname())
	})
	lbArn, _ := field(t, lbs, "LoadBalancers", 0, "LoadBalancerArn").(string)
	listeners := awsJSONAt(t, b, "elbv2", "describe-listeners", "--load-balancer-arn", lbArn)
	t.Run("elbv2 describe-listeners", func(t *testing.T) {
		assert.Equal(t, ids("aws:lb/listener:Listener", "arn"), strs(t, field(t, listeners, "Listeners"), "ListenerArn"))
	})
	t.Run("elbv2 describe-rules", func(t *testing.T) {
		listener, _ := field(t, listeners, "Listeners", 0, "ListenerArn").(string)
		got := awsJSONAt(t, b, "elbv2", "describe-rules", "--listener-arn", listener)
		assert.Equal(t, true, field(t, got, "Rules", 0, "IsDefault"))
		assert.Equal(t, field(t, listeners, "Listeners", 0, "DefaultActions"), field(t, got, "Rules", 0, "Actions"))
	})
	t.Run("elbv2 describe-target-groups and describe-target-health", func(t *testing.T) {
		got := awsJSONAt(t, b, "elbv2", "describe-target-groups")
		assert.Equal(t, ids("aws:lb/targetGroup:TargetGroup", "arn"), strs(t, field(t, got, "TargetGroups"), "TargetGroupArn"))
		var tg string
		for _, r := range held["aws:ecs/service:Service"] {
			if r.ID == serviceArn {
				tg, _ = field(t, r.Outputs, "loadBalancers", 0, "targetGroupArn").(string)
			}
		}
		// The real health checks of the running tasks: they pass once
		// the program answers on its port.
		require.Eventually(t, func() bool {
			h := awsJSONAt(t, b, "elbv2", "describe-target-health", "--target-group-arn", tg)
			for _, d := range field(t, h, "TargetHealthDescriptions").([]any) {
				if field(t, d, "TargetHealth", "State") == "healthy" {
					return true
				}
			}
			return false
		}, 60*time.Second, time.Second, "a target of the active service is healthy")
	})

	t.Run("cloudfront list-distributions", func(t *testing.T) {
		got := awsJSONAt(t, b, "cloudfront", "list-distributions")
		assert.Equal(t, []string{out("distributionId")}, strs(t, field(t, got, "DistributionList", "Items"), "Id"))
	})
	t.Run("cloudfront list-key-value-stores", func(t *testing.T) {
		got := awsJSONAt(t, b, "cloudfront", "list-key-value-stores")
		assert.Equal(t, ids("aws:cloudfront/keyValueStore:KeyValueStore", "arn"), strs(t, field(t, got, "KeyValueStoreList", "Items"), "ARN"))
	})
	t.Run("cloudfront get-function", func(t *testing.T) {
		fns := held["aws:cloudfront/function:Function"]
		require.NotEmpty(t, fns, "the frontend has a viewer-request function")
		file := filepath.Join(t.TempDir(), "code.js")
		awsAt(t, b, "cloudfront", "get-function", "--name", fns[0].ID, file)
		code, err := os.ReadFile(file)
		require.NoError(t, err)
		assert.Equal(t, fns[0].Outputs["code"], string(code))
	})

	t.Run("lambda list-functions, get-function, list-aliases", func(t *testing.T) {
		got := awsJSONAt(t, b, "lambda", "list-functions")
		assert.Equal(t, ids("aws:lambda/function:Function", "id"), strs(t, field(t, got, "Functions"), "FunctionName"))
		fns := held["aws:lambda/function:Function"]
		if len(fns) == 0 {
			// This stack runs on ECS: Lambda answers as AWS does for a
			// function the account does not have.
			assert.Contains(t, awsFails(t, b, "lambda", "get-function", "--function-name", "kirikae-none"), "ResourceNotFoundException")
			assert.Contains(t, awsFails(t, b, "lambda", "list-aliases", "--function-name", "kirikae-none"), "ResourceNotFoundException")
			return
		}
		fn := awsJSONAt(t, b, "lambda", "get-function", "--function-name", fns[0].ID)
		assert.Equal(t, fns[0].Outputs["arn"], field(t, fn, "Configuration", "FunctionArn"))
		aliases := awsJSONAt(t, b, "lambda", "list-aliases", "--function-name", fns[0].ID)
		assert.Equal(t, ids("aws:lambda/alias:Alias", "arn"), strs(t, field(t, aliases, "Aliases"), "AliasArn"))
	})

	t.Run("ec2 describe-vpcs, describe-subnets, describe-security-groups", func(t *testing.T) {
		vpcs := awsJSONAt(t, b, "ec2", "describe-vpcs")
		assert.Equal(t, ids("aws:ec2/vpc:Vpc", "id"), strs(t, field(t, vpcs, "Vpcs"), "VpcId"))
		subnets := awsJSONAt(t, b, "ec2", "describe-subnets")
		assert.Equal(t, ids("aws:ec2/subnet:Subnet", "id"), strs(t, field(t, subnets, "Subnets"), "SubnetId"))
		groups := awsJSONAt(t, b, "ec2", "describe-security-groups")
		assert.Equal(t, ids("aws:ec2/securityGroup:SecurityGroup", "id"), strs(t, field(t, groups, "SecurityGroups"), "GroupId"))
	})
	t.Run("iam list-roles and get-role", func(t *testing.T) {
		roles := awsJSONAt(t, b, "iam", "list-roles")
		assert.Equal(t, ids("aws:iam/role:Role", "id"), strs(t, field(t, roles, "Roles"), "RoleName"))
		r := held["aws:iam/role:Role"][0]
		got := awsJSONAt(t, b, "iam", "get-role", "--role-name", r.ID)
		assert.Equal(t, r.Outputs["arn"], field(t, got, "Role", "Arn"))
		assert.Contains(t, awsFails(t, b, "iam", "get-role", "--role-name", "kirikae-none"), "NoSuchEntity")
	})
	t.Run("sns list-topics", func(t *testing.T) {
		got := awsJSONAt(t, b, "sns", "list-topics")
		assert.Contains(t, strs(t, field(t, got, "Topics"), "TopicArn"), out("alarmTopicArn"))
		assert.Equal(t, ids("aws:sns/topic:Topic", "arn"), strs(t, field(t, got, "Topics"), "TopicArn"))
	})
	t.Run("apigatewayv2 get-apis", func(t *testing.T) {
		got := awsJSONAt(t, b, "apigatewayv2", "get-apis")
		assert.Equal(t, ids("aws:apigatewayv2/api:Api", "id"), strs(t, field(t, got, "Items"), "ApiId"))
	})
	t.Run("unknown operations keep AWS's error shape", func(t *testing.T) {
		assert.Contains(t, awsFails(t, b, "ecs", "list-container-instances"), "UnknownOperationException")
		assert.Contains(t, awsFails(t, b, "elbv2", "describe-account-limits"), "InvalidAction")
		assert.Contains(t, awsFails(t, b, "ec2", "describe-instances"), "InvalidAction")
		assert.True(t, strings.Contains(awsFails(t, b, "lambda", "list-layers"), "UnknownOperationException"))
	})
}
