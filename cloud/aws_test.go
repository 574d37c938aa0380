package cloud

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// request is what the fake AWS endpoint received.
type request struct {
	method, path, target, contentType string
	query                             map[string]string
	body                              string
}

// fakeAWS answers each request with the next of replies and records it.
func fakeAWS(t *testing.T, replies ...func(w http.ResponseWriter)) (*AWS, *[]request) {
	t.Helper()
	var mu sync.Mutex
	var got []request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		body, _ := io.ReadAll(r.Body)
		q := map[string]string{}
		for k, v := range r.URL.Query() {
			q[k] = v[0]
		}
		got = append(got, request{method: r.Method, path: r.URL.Path, target: r.Header.Get("X-Amz-Target"),
			contentType: r.Header.Get("Content-Type"), query: q, body: string(body)})
		if len(got) > len(replies) {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		replies[len(got)-1](w)
	}))
	t.Cleanup(srv.Close)
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")}
	return newAWS(cfg, srv.URL), &got
}

func xmlReply(status int, body string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>`+body)
	}
}

func jsonReply(body string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		fmt.Fprint(w, body)
	}
}

const s3NS = `xmlns="http://s3.amazonaws.com/doc/2006-03-01/"`

func TestAWSListPrefixesPagesThroughCommonPrefixes(t *testing.T) {
	c, got := fakeAWS(t,
		xmlReply(200, `<ListBucketResult `+s3NS+`><Name>site</Name><Prefix>releases/</Prefix><Delimiter>/</Delimiter>
			<IsTruncated>true</IsTruncated><NextContinuationToken>page2</NextContinuationToken>
			<CommonPrefixes><Prefix>releases/r3/</Prefix></CommonPrefixes>
			<CommonPrefixes><Prefix>releases/r1/</Prefix></CommonPrefixes></ListBucketResult>`),
		xmlReply(200, `<ListBucketResult `+s3NS+`><Name>site</Name><IsTruncated>false</IsTruncated>
			<CommonPrefixes><Prefix>releases/r2/</Prefix></CommonPrefixes></ListBucketResult>`))
	ids, err := c.ListPrefixes(context.Background(), "site", "releases/")
	require.NoError(t, err)
	assert.Equal(t, []string{"r1", "r2", "r3"}, ids)
	require.Len(t, *got, 2)
	first, second := (*got)[0], (*got)[1]
	assert.Equal(t, "/site", first.path)
	assert.Equal(t, "2", first.query["list-type"])
	assert.Equal(t, "/", first.query["delimiter"])
	assert.Equal(t, "releases/", first.query["prefix"])
	assert.Equal(t, "page2", second.query["continuation-token"])
}

func TestAWSListPrefixesReportsS3Errors(t *testing.T) {
	c, _ := fakeAWS(t, xmlReply(404, `<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>`))
	_, err := c.ListPrefixes(context.Background(), "nope", "releases/")
	require.ErrorContains(t, err, "list s3://nope/releases/")
	assert.ErrorContains(t, err, "NoSuchBucket")
}

func TestAWSDeletePrefixDeletesListedKeys(t *testing.T) {
	c, got := fakeAWS(t,
		xmlReply(200, `<ListBucketResult `+s3NS+`><Name>site</Name><IsTruncated>false</IsTruncated>
			<Contents><Key>releases/r1/index.html</Key></Contents><Contents><Key>releases/r1/app.js</Key></Contents></ListBucketResult>`),
		xmlReply(200, `<DeleteResult `+s3NS+`></DeleteResult>`))
	n, err := c.DeletePrefix(context.Background(), "site", "releases/r1/")
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	require.Len(t, *got, 2)
	assert.Equal(t, "1000", (*got)[0].query["max-keys"])
	del := (*got)[1]
	assert.Equal(t, http.MethodPost, del.method)
	assert.Contains(t, del.query, "delete")
	assert.Contains(t, del.body, "<Key>releases/r1/index.html</Key>")
	assert.Contains(t, del.body, "<Key>releases/r1/app.js</Key>")
}

func TestAWSDeletePrefixReportsPerKeyErrors(t *testing.T) {
	c, _ := fakeAWS(t,
		xmlReply(200, `<ListBucketResult `+s3NS+`><IsTruncated>false</IsTruncated>
			<Contents><Key>r/a</Key></Contents><Contents><Key>r/b</Key></Contents></ListBucketResult>`),
		xmlReply(200, `<DeleteResult `+s3NS+`><Error><Key>r/b</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>`))
	n, err := c.DeletePrefix(context.Background(), "site", "r/")
	require.ErrorContains(t, err, "delete s3://site/r/b: AccessDenied: Access Denied")
	assert.Equal(t, 1, n)
}

func TestAWSRunningTaskDefinitionIsThePrimaryDeployment(t *testing.T) {
	c, got := fakeAWS(t, jsonReply(`{"services":[{"serviceName":"api","taskDefinition":"arn:td/api:3",
		"deployments":[{"status":"PRIMARY","taskDefinition":"arn:td/api:2","rolloutState":"COMPLETED"},
		               {"status":"ACTIVE","taskDefinition":"arn:td/api:3","rolloutState":"FAILED"}]}],"failures":[]}`))
	td, err := c.RunningTaskDefinition(context.Background(), "main", "api")
	require.NoError(t, err)
	assert.Equal(t, "arn:td/api:2", td, "the circuit breaker's rollback is PRIMARY, not the requested :3")
	require.Len(t, *got, 1)
	assert.Equal(t, "AmazonEC2ContainerServiceV20141113.DescribeServices", (*got)[0].target)
	var in struct {
		Cluster  string   `json:"cluster"`
		Services []string `json:"services"`
	}
	require.NoError(t, json.Unmarshal([]byte((*got)[0].body), &in))
	assert.Equal(t, "main", in.Cluster)
	assert.Equal(t, []string{"api"}, in.Services)
}

func TestAWSRunningTaskDefinitionReportsMissingService(t *testing.T) {
	c, _ := fakeAWS(t, jsonReply(`{"services":[],"failures":[{"arn":"arn:svc/nope","reason":"MISSING"}]}`))
	_, err := c.RunningTaskDefinition(context.Background(), "main", "nope")
	require.ErrorContains(t, err, "describe ECS service nope in cluster main: MISSING")
}

func TestAWSInvalidateSendsPathsWithAFreshCallerReference(t *testing.T) {
	reply := xmlReply(201, `<Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>I1</Id>
		<Status>InProgress</Status><CreateTime>2024-01-01T00:00:00Z</CreateTime></Invalidation>`)
	c, got := fakeAWS(t, reply, reply)
	require.NoError(t, c.Invalidate(context.Background(), "E123", []string{"/*"}))
	require.NoError(t, c.Invalidate(context.Background(), "E123", []string{"/*"}))
	require.Len(t, *got, 2)
	assert.True(t, strings.HasSuffix((*got)[0].path, "/distribution/E123/invalidation"), (*got)[0].path)
	assert.Contains(t, (*got)[0].body, "<Quantity>1</Quantity>")
	assert.Contains(t, (*got)[0].body, "<Path>/*</Path>")
	ref := func(body string) string {
		_, after, _ := strings.Cut(body, "<CallerReference>")
		before, _, _ := strings.Cut(after, "</CallerReference>")
		return before
	}
	assert.NotEmpty(t, ref((*got)[0].body))
	assert.NotEqual(t, ref((*got)[0].body), ref((*got)[1].body))
	assert.Error(t, c.Invalidate(context.Background(), "E123", nil))
}

func TestAWSPutObjectSendsBodyAndContentType(t *testing.T) {
	c, got := fakeAWS(t, func(w http.ResponseWriter) { w.WriteHeader(http.StatusOK) })
	require.NoError(t, c.PutObject(context.Background(), "site", "releases/r1/index.html", []byte("<html>"), "text/html"))
	require.Len(t, *got, 1)
	put := (*got)[0]
	assert.Equal(t, http.MethodPut, put.method)
	assert.Equal(t, "/site/releases/r1/index.html", put.path)
	assert.Equal(t, "text/html", put.contentType)
	assert.Contains(t, put.body, "<html>")
}

func TestAWSHTTPClientHasATimeout(t *testing.T) {
	c, _ := fakeAWS(t)
	assert.NotZero(t, c.HTTPClient().Timeout)
}
