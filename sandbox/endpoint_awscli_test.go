package sandbox

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecr"
)

// needAWSCLI finds the AWS CLI: a client nobody here wrote is the judge of
// whether the endpoint speaks AWS. It may be missing only outside CI.
func needAWSCLI(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("aws CLI not installed (CI is unset)")
		}
		t.Fatalf("aws CLI not installed; CI=%q needs it (Debian package awscli)", os.Getenv("CI"))
	}
	return path
}

// awsCLI runs `aws --endpoint-url ep ... --output json` with the given
// credentials and no user configuration, returning stdout, stderr and
// whether it succeeded.
func awsCLI(t *testing.T, ep *Endpoint, keyID, secret string, args ...string) (string, string, bool) {
	t.Helper()
	bin := needAWSCLI(t)
	cmd := exec.CommandContext(t.Context(), bin, append([]string{"--endpoint-url", ep.URL, "--output", "json"}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") { // no user profile or keys leak in
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "AWS_ACCESS_KEY_ID="+keyID, "AWS_SECRET_ACCESS_KEY="+secret,
		"AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_MAX_ATTEMPTS=1")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err == nil
}

func awsJSON(t *testing.T, ep *Endpoint, args ...string) map[string]any {
	t.Helper()
	out, errOut, ok := awsCLI(t, ep, core.AccessKeyID, core.SecretAccessKey, args...)
	require.True(t, ok, "aws %v: %s", args, errOut)
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &v), out)
	return v
}

// awsAccount builds one of each resource the endpoint serves.
func awsAccount(t *testing.T) (*harness, *Endpoint) {
	h := newHarness(t)
	h.create(bucketType, "site", pmap(map[string]any{"bucket": "site"}))
	distribution(h, nil)
	ecsService(t, h, "v1")
	fn := h.create("aws:lambda/function:Function", "fn", function(t, "v1", map[string]any{"name": "api"}))
	h.update(fn, function(t, "v2", map[string]any{"name": "api"}), false)
	h.create(aliasType, "live", pmap(map[string]any{"name": "live", "functionName": "api", "functionVersion": "2",
		"routingConfig": map[string]any{"additionalVersionWeights": map[string]any{"1": 0.25}}}))
	h.create(core.TokAlarm, "errors", pmap(map[string]any{"name": "api-errors", "comparisonOperator": "GreaterThanThreshold",
		"evaluationPeriods": 1, "threshold": 5, "metricName": "Errors", "namespace": "AWS/Lambda", "period": 60,
		"statistic": "Sum", "dimensions": map[string]any{"FunctionName": "api"}}))
	h.create(core.TokRepository, "repo", pmap(map[string]any{"name": "kirikae-api"}))
	return h, serve(t, h.acct)
}

func TestAWSCLIAgainstTheEndpoint(t *testing.T) {
	needAWSCLI(t)
	h, ep := awsAccount(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(dir+"/index.html", []byte("<h1>r1</h1>"), 0o600))

	t.Run("s3", func(t *testing.T) {
		_, errOut, ok := awsCLI(t, ep, core.AccessKeyID, core.SecretAccessKey, "s3", "cp", dir+"/index.html", "s3://site/releases/r1/index.html")
		require.True(t, ok, errOut)
		out, errOut, ok := awsCLI(t, ep, core.AccessKeyID, core.SecretAccessKey, "s3", "ls", "s3://site/releases/")
		require.True(t, ok, errOut)
		assert.Contains(t, out, "PRE r1/")
		err := h.acct.View(func(st *core.State) error {
			_, body, found, err := h.acct.ReadObject(st, "site", "releases/r1/index.html")
			assert.True(t, found, "the object is in the account the provider and front door use")
			assert.Equal(t, "<h1>r1</h1>", string(body))
			return err
		})
		require.NoError(t, err)
		got := awsJSON(t, ep, "s3api", "head-object", "--bucket", "site", "--key", "releases/r1/index.html")
		assert.Equal(t, "text/html", got["ContentType"])
	})
	t.Run("sts", func(t *testing.T) {
		got := awsJSON(t, ep, "sts", "get-caller-identity")
		assert.Equal(t, h.acct.ID(), got["Account"])
	})
	t.Run("ecs", func(t *testing.T) {
		got := awsJSON(t, ep, "ecs", "describe-services", "--cluster", "main", "--services", "api")
		svc := got["services"].([]any)[0].(map[string]any)
		deployment := svc["deployments"].([]any)[0].(map[string]any)
		assert.Equal(t, "PRIMARY", deployment["status"])
		assert.Contains(t, deployment["taskDefinition"], "task-definition/api:1")
		td := awsJSON(t, ep, "ecs", "describe-task-definition", "--task-definition", "api:1")
		assert.Equal(t, "api", td["taskDefinition"].(map[string]any)["family"])
	})
	t.Run("cloudfront", func(t *testing.T) {
		list := h.resources(core.TokDistribution)
		require.Len(t, list, 1)
		got := awsJSON(t, ep, "cloudfront", "get-distribution", "--id", list[0].ID)
		cfg := got["Distribution"].(map[string]any)["DistributionConfig"].(map[string]any)
		origin := cfg["Origins"].(map[string]any)["Items"].([]any)[0].(map[string]any)
		assert.Equal(t, "/releases/r2", origin["OriginPath"])
		inv := awsJSON(t, ep, "cloudfront", "create-invalidation", "--distribution-id", list[0].ID, "--paths", "/*")
		id := inv["Invalidation"].(map[string]any)["Id"].(string)
		again := awsJSON(t, ep, "cloudfront", "get-invalidation", "--distribution-id", list[0].ID, "--id", id)
		assert.Equal(t, "Completed", again["Invalidation"].(map[string]any)["Status"])
	})
	t.Run("lambda", func(t *testing.T) {
		got := awsJSON(t, ep, "lambda", "get-alias", "--function-name", "api", "--name", "live")
		assert.Equal(t, "2", got["FunctionVersion"])
		assert.Equal(t, map[string]any{"AdditionalVersionWeights": map[string]any{"1": 0.25}}, got["RoutingConfig"])
		versions := awsJSON(t, ep, "lambda", "list-versions-by-function", "--function-name", "api")["Versions"].([]any)
		assert.Len(t, versions, 3, "$LATEST, 1 and 2")
	})
	t.Run("lambda list-functions, get-function, list-aliases", func(t *testing.T) {
		fns := awsJSON(t, ep, "lambda", "list-functions")["Functions"].([]any)
		require.Len(t, fns, 1)
		assert.Equal(t, "api", fns[0].(map[string]any)["FunctionName"])
		fn := h.resources("aws:lambda/function:Function")[0]
		got := awsJSON(t, ep, "lambda", "get-function", "--function-name", "api")
		assert.Equal(t, fn.Outputs["arn"], got["Configuration"].(map[string]any)["FunctionArn"])
		assert.Equal(t, fn.Outputs["codeSha256"], got["Configuration"].(map[string]any)["CodeSha256"])
		// A version keeps the CodeSha256 of the package it was published
		// with, and an alias qualifies the version it points at.
		for _, q := range []string{"1", "2", "live"} {
			v := awsJSON(t, ep, "lambda", "get-function", "--function-name", "api", "--qualifier", q)["Configuration"].(map[string]any)
			assert.NotEmpty(t, v["CodeSha256"], q)
			if q == "1" {
				assert.NotEqual(t, fn.Outputs["codeSha256"], v["CodeSha256"], "version 1 runs v1's code")
			} else {
				assert.Equal(t, fn.Outputs["codeSha256"], v["CodeSha256"], "version 2 is the latest code (%s)", q)
			}
		}
		aliases := awsJSON(t, ep, "lambda", "list-aliases", "--function-name", "api")["Aliases"].([]any)
		require.Len(t, aliases, 1)
		assert.Equal(t, "live", aliases[0].(map[string]any)["Name"])
		assert.Equal(t, "2", aliases[0].(map[string]any)["FunctionVersion"])
	})
	t.Run("cloudwatch", func(t *testing.T) {
		got := awsJSON(t, ep, "cloudwatch", "describe-alarms", "--alarm-names", "api-errors")
		alarms := got["MetricAlarms"].([]any)
		require.Len(t, alarms, 1)
		assert.Equal(t, "INSUFFICIENT_DATA", alarms[0].(map[string]any)["StateValue"])
	})
	t.Run("ecr", func(t *testing.T) {
		got := awsJSON(t, ep, "ecr", "describe-repositories", "--repository-names", "kirikae-api")
		assert.Len(t, got["repositories"], 1)
		imgs := awsJSON(t, ep, "ecr", "describe-images", "--repository-name", "kirikae-api")
		assert.Empty(t, imgs["imageDetails"])

		pushed, err := ecr.PushImage(h.acct, "kirikae-api", "v1", "", []byte("program v1"))
		require.NoError(t, err)
		imgs = awsJSON(t, ep, "ecr", "describe-images", "--repository-name", "kirikae-api")
		require.Len(t, imgs["imageDetails"], 1)
		d := imgs["imageDetails"].([]any)[0].(map[string]any)
		assert.Equal(t, pushed.Digest, d["imageDigest"])
		assert.Equal(t, []any{"v1"}, d["imageTags"])
		assert.EqualValues(t, len("program v1"), d["imageSizeInBytes"])
		assert.NotEmpty(t, d["imagePushedAt"], "the CLI parses it as a timestamp")
		got = awsJSON(t, ep, "ecr", "batch-get-image", "--repository-name", "kirikae-api",
			"--image-ids", "imageTag=v1", "imageTag=v2")
		require.Len(t, got["images"], 1)
		img := got["images"].([]any)[0].(map[string]any)
		assert.Equal(t, pushed.Digest, img["imageId"].(map[string]any)["imageDigest"])
		assert.Contains(t, img["imageManifest"], `"schemaVersion":2`)
		require.Len(t, got["failures"], 1)
		assert.Equal(t, "ImageNotFound", got["failures"].([]any)[0].(map[string]any)["failureCode"])
		_, errOut, ok := awsCLI(t, ep, core.AccessKeyID, core.SecretAccessKey, "ecr", "describe-images",
			"--repository-name", "kirikae-api", "--image-ids", "imageTag=v2")
		assert.False(t, ok)
		assert.Contains(t, errOut, "ImageNotFoundException")
		_, errOut, ok = awsCLI(t, ep, core.AccessKeyID, core.SecretAccessKey, "ecr", "describe-repositories", "--repository-names", "nope")
		assert.False(t, ok)
		assert.Contains(t, errOut, "RepositoryNotFoundException")
	})
}

func TestAWSCLIWithOtherCredentialsIsRefused(t *testing.T) {
	needAWSCLI(t)
	_, ep := awsAccount(t)
	_, errOut, ok := awsCLI(t, ep, "AKIAOTHERKEY00000000", core.SecretAccessKey, "sts", "get-caller-identity")
	assert.False(t, ok)
	assert.Contains(t, errOut, "InvalidClientTokenId")
	_, errOut, ok = awsCLI(t, ep, core.AccessKeyID, "wrong-secret", "ecs", "describe-services", "--services", "api")
	assert.False(t, ok)
	assert.Contains(t, errOut, "SignatureDoesNotMatch")
	_, errOut, ok = awsCLI(t, ep, core.AccessKeyID, "wrong-secret", "s3", "ls", "s3://site/")
	assert.False(t, ok)
	assert.Contains(t, errOut, "SignatureDoesNotMatch")
}

func TestAWSCLIUnknownOperationIsAnError(t *testing.T) {
	needAWSCLI(t)
	_, ep := awsAccount(t)
	for _, args := range [][]string{
		{"ecs", "list-container-instances"},
		{"lambda", "list-layers"},
		{"cloudfront", "list-cache-policies"},
		{"sts", "get-session-token"},
		{"elbv2", "describe-account-limits"},
		{"ec2", "describe-instances"},
		{"iam", "list-users"},
		{"sns", "list-subscriptions"},
		{"apigatewayv2", "get-domain-names"},
		// Generic queues and tables are state only: no messages, no items.
		{"sqs", "send-message", "--queue-url", "https://sqs.us-east-1.amazonaws.com/000000000000/q", "--message-body", "x"},
		{"dynamodb", "get-item", "--table-name", "t", "--key", `{"id":{"S":"1"}}`},
	} {
		_, errOut, ok := awsCLI(t, ep, core.AccessKeyID, core.SecretAccessKey, args...)
		assert.False(t, ok, "%v must not succeed silently", args)
		assert.Regexp(t, "UnknownOperationException|InvalidAction", errOut, args)
	}
}
