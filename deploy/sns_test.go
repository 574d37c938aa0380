package deploy_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/notify"
)

// Once the stack has its alarm topic, every deploy event is published to
// it through SNS Publish on the sandbox's endpoint (the same aws-sdk-go-v2
// call kirikae makes on AWS), with no Slack or webhook configured: the
// simulated topic records what AWS would have fanned out to subscribers.
func TestDeployEventsArePublishedToTheAlarmTopic(t *testing.T) {
	t.Parallel()
	dir := testproject.Copy(t)
	s := openDeploy(t, dir, "staging", nil)
	deployImage(t, s, "v1")
	outs, err := s.Outputs(context.Background())
	require.NoError(t, err)
	topic, _ := outs[infra.OutputAlarmTopicArn].Value.(string)
	require.NotEmpty(t, topic)
	before, err := account(t, dir).SNSMessages(topic)
	require.NoError(t, err)
	require.Len(t, before, 1, "the first deploy created the topic, then told it how it ended")
	assert.Contains(t, before[0].Message, `"kind":"deploy.succeeded"`)

	deployImage(t, s, "v2")
	msgs, err := account(t, dir).SNSMessages(topic)
	require.NoError(t, err)
	require.Len(t, msgs, len(before)+2, "started and succeeded")
	var kinds []string
	for _, m := range msgs[len(before):] {
		var b notify.Body
		require.NoError(t, json.Unmarshal([]byte(m.Message), &b))
		assert.Equal(t, notify.Schema, b.Schema)
		assert.Equal(t, "staging", b.Stack)
		assert.Equal(t, b.Title, m.Subject)
		kinds = append(kinds, string(b.Kind))
	}
	assert.Equal(t, []string{"deploy.started", "deploy.succeeded"}, kinds)
}
