package notify

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type recordingPublisher struct {
	topic, subject, message string
	err                     error
}

func (p *recordingPublisher) Publish(_ context.Context, topic, subject, message string) (string, error) {
	p.topic, p.subject, p.message = topic, subject, message
	return "id-1", p.err
}

func TestTopicPublishesTheWebhookDocument(t *testing.T) {
	pub := &recordingPublisher{}
	arn := "arn:aws:sns:us-east-1:123456789012:api-staging-alarms"
	topic, err := NewTopic(pub, arn)
	require.NoError(t, err)
	assert.Equal(t, "sns api-staging-alarms", topic.Name())
	ev := Event{Kind: DeployFailed, Stack: "staging", ReleaseID: 7, ReleaseName: "image v3", ID: "abc", Reason: "verify /healthz: HTTP 500"}
	require.NoError(t, topic.Send(context.Background(), ev))
	assert.Equal(t, arn, pub.topic)
	assert.Equal(t, ev.Title(), pub.subject)
	var body Body
	require.NoError(t, json.Unmarshal([]byte(pub.message), &body))
	assert.Equal(t, Schema, body.Schema)
	assert.Equal(t, DeployFailed, body.Kind)
	assert.Equal(t, "abc", body.ID)

	pub.err = errors.New("AuthorizationError")
	assert.ErrorContains(t, topic.Send(context.Background(), ev), "notify sns api-staging-alarms: AuthorizationError")

	_, err = NewTopic(pub, "not-an-arn")
	assert.Error(t, err)
}

func TestSNSSubjectIsPrintableASCIIUpTo100(t *testing.T) {
	assert.Equal(t, "staging: deploy ok ... r2", snsSubject("staging: deploy ok … r2"))
	assert.Equal(t, "a?b", snsSubject("a\nb"))
	long := snsSubject(strings.Repeat("x", 150))
	assert.Len(t, long, 100)
	assert.True(t, strings.HasSuffix(long, "..."))
}
