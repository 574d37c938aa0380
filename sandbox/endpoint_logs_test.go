package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kirikae/kirikae/cloud"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/logs"
)

// The AWS CLI, a client nobody here wrote, is the judge: what a workload
// writes through Account.PutLogEvents and what `aws logs put-log-events`
// writes are read back by `aws logs filter-log-events` and
// `get-log-events`, in timestamp order, across streams.
func TestAWSCLIReadsAndWritesLogs(t *testing.T) {
	needAWSCLI(t)
	h := newHarness(t)
	h.create(core.TokLogGroup, "logs", pmap(map[string]any{"name": "/ecs/api-staging", "retentionInDays": 14}))
	ep := serve(t, h.acct)
	base := time.Now().Add(-time.Minute).UnixMilli()
	require.NoError(t, logs.PutLogEvents(h.acct, "/ecs/api-staging", "blue/api/task1",
		logs.LogEvent{Timestamp: base, Message: "listening on :8080"},
		logs.LogEvent{Timestamp: base + 2000, Message: "GET /healthz 200"}))
	require.NoError(t, logs.PutLogEvents(h.acct, "/ecs/api-staging", "green/api/task2",
		logs.LogEvent{Timestamp: base + 1000, Message: "GET /api/x 500 ERROR boom"}))

	groups := awsJSON(t, ep, "logs", "describe-log-groups", "--log-group-name-prefix", "/ecs/")
	require.Len(t, groups["logGroups"], 1)
	assert.Equal(t, "/ecs/api-staging", groups["logGroups"].([]any)[0].(map[string]any)["logGroupName"])
	assert.EqualValues(t, 14, groups["logGroups"].([]any)[0].(map[string]any)["retentionInDays"])

	all := awsJSON(t, ep, "logs", "filter-log-events", "--log-group-name", "/ecs/api-staging")
	assert.Equal(t, []string{"listening on :8080", "GET /api/x 500 ERROR boom", "GET /healthz 200"}, messages(all),
		"streams interleave by timestamp")
	blue := awsJSON(t, ep, "logs", "filter-log-events", "--log-group-name", "/ecs/api-staging", "--log-stream-name-prefix", "blue/")
	assert.Equal(t, []string{"listening on :8080", "GET /healthz 200"}, messages(blue))
	errs := awsJSON(t, ep, "logs", "filter-log-events", "--log-group-name", "/ecs/api-staging", "--filter-pattern", "ERROR")
	assert.Equal(t, []string{"GET /api/x 500 ERROR boom"}, messages(errs))
	since := awsJSON(t, ep, "logs", "filter-log-events", "--log-group-name", "/ecs/api-staging", "--start-time", fmt.Sprint(base+1500))
	assert.Equal(t, []string{"GET /healthz 200"}, messages(since))

	// The CLI writes too, into a stream it creates; PutLogEvents needs it.
	_, errOut, ok := awsCLI(t, ep, core.AccessKeyID, core.SecretAccessKey, "logs", "put-log-events", "--log-group-name", "/ecs/api-staging",
		"--log-stream-name", "manual", "--log-events", fmt.Sprintf("timestamp=%d,message=hello", base+3000))
	require.False(t, ok, "a missing stream is refused")
	assert.Contains(t, errOut, "ResourceNotFoundException")
	_, errOut, ok = awsCLI(t, ep, core.AccessKeyID, core.SecretAccessKey, "logs", "create-log-stream", "--log-group-name", "/ecs/api-staging", "--log-stream-name", "manual")
	require.True(t, ok, errOut)
	_, errOut, ok = awsCLI(t, ep, core.AccessKeyID, core.SecretAccessKey, "logs", "put-log-events", "--log-group-name", "/ecs/api-staging",
		"--log-stream-name", "manual", "--log-events", fmt.Sprintf("timestamp=%d,message=hello", base+3000))
	require.True(t, ok, errOut)
	got := awsJSON(t, ep, "logs", "get-log-events", "--log-group-name", "/ecs/api-staging", "--log-stream-name", "manual", "--start-from-head")
	assert.Equal(t, []string{"hello"}, messages(got))
	streams := awsJSON(t, ep, "logs", "describe-log-streams", "--log-group-name", "/ecs/api-staging")
	var names []string
	for _, s := range streams["logStreams"].([]any) {
		names = append(names, s.(map[string]any)["logStreamName"].(string))
	}
	assert.Equal(t, []string{"blue/api/task1", "green/api/task2", "manual"}, names)

	_, errOut, ok = awsCLI(t, ep, core.AccessKeyID, core.SecretAccessKey, "logs", "filter-log-events", "--log-group-name", "/nope")
	assert.False(t, ok)
	assert.Contains(t, errOut, "ResourceNotFoundException")
}

// FilterLogEvents pages with nextToken; the AWS CLI follows the tokens
// itself, so --max-items and a page size of 2 still return every event.
func TestFilterLogEventsPages(t *testing.T) {
	needAWSCLI(t)
	h := newHarness(t)
	var evs []logs.LogEvent
	for i := range 5 {
		evs = append(evs, logs.LogEvent{Timestamp: int64(1000 + i), Message: fmt.Sprintf("line %d", i)})
	}
	require.NoError(t, logs.PutLogEvents(h.acct, "/aws/lambda/api", "2026/11/25/[1]abc", evs...))
	ep := serve(t, h.acct)
	out, errOut, ok := awsCLI(t, ep, core.AccessKeyID, core.SecretAccessKey, "logs", "filter-log-events", "--log-group-name", "/aws/lambda/api", "--page-size", "2")
	require.True(t, ok, errOut)
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &v))
	assert.Equal(t, "line 0,line 1,line 2,line 3,line 4", strings.Join(messages(v), ","))
}

func messages(v map[string]any) []string {
	var out []string
	for _, e := range v["events"].([]any) {
		out = append(out, e.(map[string]any)["message"].(string))
	}
	return out
}

// kirikae's data plane (aws-sdk-go-v2) reads the same events through the
// endpoint: by stream prefix, from a start time, and a missing group is
// the typed error `logs` turns into guidance.
func TestDataPlaneReadsLogs(t *testing.T) {
	h := newHarness(t)
	require.NoError(t, logs.PutLogEvents(h.acct, "/ecs/api", "blue/api/t1", logs.LogEvent{Timestamp: 1000, Message: "b1"}, logs.LogEvent{Timestamp: 3000, Message: "b2"}))
	require.NoError(t, logs.PutLogEvents(h.acct, "/ecs/api", "green/api/t2", logs.LogEvent{Timestamp: 2000, Message: "g1"}))
	c := h.cloud()
	page, err := c.LogEvents(t.Context(), cloud.LogQuery{Group: "/ecs/api", StreamPrefix: "blue/", Start: time.UnixMilli(1500)})
	require.NoError(t, err)
	require.Len(t, page.Events, 1)
	assert.Equal(t, "b2", page.Events[0].Message)
	assert.Equal(t, "blue/api/t1", page.Events[0].Stream)
	assert.Equal(t, int64(3000), page.Events[0].Time.UnixMilli())
	assert.NotEmpty(t, page.Events[0].ID)
	assert.Empty(t, page.NextToken)

	_, err = c.LogEvents(t.Context(), cloud.LogQuery{Group: "/ecs/none"})
	var nf *cloud.LogGroupNotFoundError
	require.ErrorAs(t, err, &nf)
	assert.Equal(t, "/ecs/none", nf.Group)
}
