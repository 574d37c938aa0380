package sandbox

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/sns"
)

// `aws sns publish` reaches the account's topic through the endpoint and
// the message is recorded; an unknown topic is NotFound, as on AWS.
func TestAWSCLIPublishesToATopic(t *testing.T) {
	needAWSCLI(t)
	h := newHarness(t)
	topic := h.create(core.TokTopic, "alarms", pmap(map[string]any{"name": "api-staging-alarms"}))
	arn := topic.outs["arn"].StringValue()
	ep := serve(t, h.acct)
	got := awsJSON(t, ep, "sns", "publish", "--topic-arn", arn, "--subject", "staging: deploy succeeded", "--message", `{"kind":"deploy.succeeded"}`)
	assert.NotEmpty(t, got["MessageId"])
	msgs, err := sns.SNSMessages(h.acct, arn)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	assert.Equal(t, got["MessageId"], msgs[0].MessageID)
	assert.Equal(t, "staging: deploy succeeded", msgs[0].Subject)
	assert.JSONEq(t, `{"kind":"deploy.succeeded"}`, msgs[0].Message)

	_, errOut, ok := awsCLI(t, ep, core.AccessKeyID, core.SecretAccessKey, "sns", "publish", "--topic-arn", arn+"-nope", "--message", "x")
	assert.False(t, ok)
	assert.Contains(t, errOut, "NotFound")
	msgs, err = sns.SNSMessages(h.acct, "")
	require.NoError(t, err)
	assert.Len(t, msgs, 1, "a refused publish records nothing")
}

// kirikae's data plane publishes through the same endpoint.
func TestDataPlanePublishes(t *testing.T) {
	h := newHarness(t)
	arn := h.create(core.TokTopic, "alarms", pmap(map[string]any{"name": "t"})).outs["arn"].StringValue()
	id, err := h.cloud().Publish(t.Context(), arn, "subject", "body")
	require.NoError(t, err)
	msgs, err := sns.SNSMessages(h.acct, arn)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	assert.Equal(t, id, msgs[0].MessageID)
	assert.Equal(t, "body", msgs[0].Message)
	_, err = h.cloud().Publish(t.Context(), arn+"x", "", "body")
	assert.ErrorContains(t, err, "NotFound")
}
