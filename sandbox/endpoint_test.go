package sandbox

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecr"
	"github.com/kirikae/kirikae/sandbox/ecs"
)

// signed sends a request signed for service with the given secret.
func signed(t *testing.T, ep *Endpoint, secret, service, method, path, target, body string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, ep.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	}
	creds := aws.Credentials{AccessKeyID: core.AccessKeyID, SecretAccessKey: secret}
	require.NoError(t, v4.NewSigner().SignHTTP(t.Context(), creds, req, hash(body), service, "us-east-1", time.Now()))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	if out == nil {
		out = map[string]any{"raw": string(raw)}
	}
	return resp, out
}

func hash(body string) string { return sha256Hex(body) }

func TestEndpointRefusesUnsignedAndMissignedRequests(t *testing.T) {
	ep := serve(t, newHarness(t).acct)
	resp, err := http.Get(ep.URL + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "no signature")

	resp, out := signed(t, ep, "not-the-secret", "ecs", http.MethodPost, "/", ecs.TargetPrefix+".DescribeServices", `{"services":["x"]}`)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, "SignatureDoesNotMatch", out["__type"])

	resp, out = signed(t, ep, core.SecretAccessKey, "ecs", http.MethodPost, "/", ecs.TargetPrefix+".DescribeServices", `{"services":["x"]}`)
	assert.Equal(t, http.StatusOK, resp.StatusCode, out)
	assert.Equal(t, []any{map[string]any{"arn": "x", "reason": "MISSING"}}, out["failures"])
}

func TestEndpointUnknownOperationsAreErrors(t *testing.T) {
	ep := serve(t, newHarness(t).acct)
	for _, c := range []struct{ service, method, path, target, code string }{
		{"ecs", http.MethodPost, "/", ecs.TargetPrefix + ".ListContainerInstances", "UnknownOperationException"},
		{"ecr", http.MethodPost, "/", ecr.TargetPrefix + ".PutImage", "UnknownOperationException"},
		{"lambda", http.MethodGet, "/2018-10-31/layers", "", "UnknownOperationException"},
		{"cloudfront", http.MethodGet, "/2020-05-31/cache-policy", "", "UnknownOperationException"},
		{"apigateway", http.MethodGet, "/v2/domainnames", "", "UnknownOperationException"},
		{"dynamodb", http.MethodPost, "/", "DynamoDB_20120810.PutItem", "UnknownOperationException"},
		{"sqs", http.MethodPost, "/", "AmazonSQS.SendMessage", "UnknownOperationException"},
		{"sts", http.MethodPost, "/?Action=GetSessionToken", "", "InvalidAction"},
		{"ec2", http.MethodPost, "/?Action=DescribeInstances", "", "InvalidAction"},
		{"elasticloadbalancing", http.MethodPost, "/?Action=DescribeAccountLimits", "", "InvalidAction"},
		{"iam", http.MethodPost, "/?Action=ListUsers", "", "InvalidAction"},
		{"sns", http.MethodPost, "/?Action=ListSubscriptions", "", "InvalidAction"},
	} {
		resp, out := signed(t, ep, core.SecretAccessKey, c.service, c.method, c.path, c.target, "")
		assert.GreaterOrEqual(t, resp.StatusCode, 400, c)
		got := resp.Header.Get("X-Amzn-ErrorType")
		if got == "" {
			got, _ = out["raw"].(string)
		}
		assert.Contains(t, got, c.code, c)
	}
}

func TestEndpointS3RefusesOtherKeysWithS3Errors(t *testing.T) {
	h := newHarness(t)
	h.create(bucketType, "site", pmap(map[string]any{"bucket": "site"}))
	ep := serve(t, h.acct)
	client := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(ep.URL), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("AKIAOTHERKEY00000000", core.SecretAccessKey, "")})
	_, err := client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String("site")})
	assert.ErrorContains(t, err, "InvalidAccessKeyId")
}

func TestS3ObjectsAreWhatCloudFrontServes(t *testing.T) {
	h := newHarness(t)
	h.create(bucketType, "site", pmap(map[string]any{"bucket": "site"}))
	d := distribution(h, nil)
	c := h.cloud()
	require.NoError(t, c.PutObject(t.Context(), "site", "releases/r2/index.html", []byte("<h1>r2</h1>"), "text/html"))
	resp, err := c.HTTPClient().Get("https://" + core.Str(d.outs, "domainName") + "/")
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, "<h1>r2</h1>", string(body))
	assert.Equal(t, "text/html", resp.Header.Get("Content-Type"))
}
