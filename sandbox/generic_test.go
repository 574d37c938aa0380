package sandbox

import (
	"net/http"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
)

// A type without a dedicated model deploys with the outputs its SDK
// declares, updates in place, replaces on its name and deletes.
func TestGenericTypeLifecycle(t *testing.T) {
	h := newHarness(t)
	in := pmap(map[string]any{"visibilityTimeoutSeconds": 30})
	checked := props(t, h.check("aws:sqs/queue:Queue", "jobs", nil, in).GetInputs())
	require.Regexp(t, `^jobs-[0-9a-f]{7}$`, checked["name"].StringValue(), "autonamed as pulumi-aws does")
	q := h.create("aws:sqs/queue:Queue", "jobs", checked)
	name := checked["name"].StringValue()
	assert.Equal(t, "https://sqs.us-east-1.amazonaws.com/"+h.acct.ID()+"/"+name, q.id)
	assert.Equal(t, "arn:aws:sqs:us-east-1:"+h.acct.ID()+":"+name, q.outs["arn"].StringValue())
	assert.Equal(t, q.id, q.outs["url"].StringValue())

	longer := checked.Copy()
	longer["visibilityTimeoutSeconds"] = resource.NewProperty(60.0)
	d := h.diff(q, longer)
	assert.Equal(t, []string{"visibilityTimeoutSeconds"}, d.GetDiffs())
	assert.Empty(t, d.GetReplaces())
	q = h.update(q, longer, false)
	assert.Equal(t, 60.0, q.outs["visibilityTimeoutSeconds"].NumberValue())

	renamed := longer.Copy()
	renamed["name"] = resource.NewProperty("jobs-2")
	assert.Equal(t, []string{"name"}, h.diff(q, renamed).GetReplaces())

	h.delete(q)
	assert.Empty(t, h.resources("aws:sqs/queue:Queue"))
}

// The AWS CLI lists generic queues and tables through SQS's and DynamoDB's
// own list calls, region by region.
func TestAWSCLIListsGenericQueuesAndTables(t *testing.T) {
	needAWSCLI(t)
	h := newHarness(t)
	for _, n := range []string{"b-jobs", "a-jobs"} {
		h.create("aws:sqs/queue:Queue", n, pmap(map[string]any{"name": n}))
	}
	h.create("aws:dynamodb/table:Table", "orders", pmap(map[string]any{"name": "orders", "hashKey": "id"}))
	ep := serve(t, h.acct)
	acct := h.acct.ID()

	got := awsJSON(t, ep, "sqs", "list-queues")
	assert.Equal(t, []any{"https://sqs.us-east-1.amazonaws.com/" + acct + "/a-jobs",
		"https://sqs.us-east-1.amazonaws.com/" + acct + "/b-jobs"}, got["QueueUrls"])
	got = awsJSON(t, ep, "sqs", "list-queues", "--queue-name-prefix", "b-")
	assert.Equal(t, []any{"https://sqs.us-east-1.amazonaws.com/" + acct + "/b-jobs"}, got["QueueUrls"])
	// --max-items pages with MaxResults/NextToken under the hood.
	got = awsJSON(t, ep, "sqs", "list-queues", "--max-results", "1")
	assert.Len(t, got["QueueUrls"], 1)
	assert.NotEmpty(t, got["NextToken"])

	got = awsJSON(t, ep, "dynamodb", "list-tables")
	assert.Equal(t, []any{"orders"}, got["TableNames"])
	got = awsJSON(t, ep, "--region", "eu-west-1", "dynamodb", "list-tables")
	assert.Equal(t, []any{}, got["TableNames"], "tables are regional")
}

// Older SDKs speak SQS's query protocol: the same list, in XML.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListQueues.html
func TestSQSQueryProtocolListsQueues(t *testing.T) {
	h := newHarness(t)
	h.create("aws:sqs/queue:Queue", "jobs", pmap(map[string]any{"name": "jobs"}))
	h.create("aws:sqs/queue:Queue", "other", pmap(map[string]any{"name": "other"}))
	ep := serve(t, h.acct)
	resp, out := signed(t, ep, core.SecretAccessKey, "sqs", http.MethodGet, "/?Action=ListQueues&QueueNamePrefix=jo", "", "")
	require.Equal(t, http.StatusOK, resp.StatusCode, out)
	raw := out["raw"].(string)
	assert.Contains(t, raw, "<ListQueuesResult><QueueUrl>https://sqs.us-east-1.amazonaws.com/"+h.acct.ID()+"/jobs</QueueUrl></ListQueuesResult>")
	assert.NotContains(t, raw, "other")

	resp, out = signed(t, ep, core.SecretAccessKey, "sqs", http.MethodGet, "/?Action=SendMessage", "", "")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, out["raw"], "InvalidAction", "no messages: generic queues have no behaviour")
}
