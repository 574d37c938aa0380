package notify

import (
	"context"
	"fmt"
	"strings"
)

// Publisher publishes one message to an SNS topic. notify does not talk
// to AWS itself: the data plane (cloud.AWS, aws-sdk-go-v2) implements
// this, so the same code reaches AWS or the sandbox's endpoint.
type Publisher interface {
	Publish(ctx context.Context, topicArn, subject, message string) (string, error)
}

// Topic sends events to the stack's SNS topic (the alarm topic every
// CloudWatch alarm already notifies), so its subscribers (email, chat
// integrations, queues) hear about deploys too. The message is the same
// JSON document the generic webhook posts (schema kirikae.notify/v1), so
// receivers parse one format; the subject is the event's title.
type Topic struct {
	pub Publisher
	arn string
}

var _ Sender = (*Topic)(nil)

// NewTopic returns a sender publishing to topicArn through pub.
func NewTopic(pub Publisher, topicArn string) (*Topic, error) {
	if pub == nil || !strings.HasPrefix(topicArn, "arn:") || strings.Count(topicArn, ":") < 5 {
		return nil, fmt.Errorf("notify SNS: %q is not a topic ARN", topicArn)
	}
	return &Topic{pub: pub, arn: topicArn}, nil
}

// Name is the topic's name: its ARN is not a secret, but it is long.
func (t *Topic) Name() string { return "sns " + t.arn[strings.LastIndex(t.arn, ":")+1:] }

// Send publishes one attempt. The SDK retries throttling and 5xx itself;
// the Dispatcher retries network errors.
func (t *Topic) Send(ctx context.Context, e Event) error {
	body, err := NewBody(e).Marshal()
	if err != nil {
		return err
	}
	if _, err := t.pub.Publish(ctx, t.arn, snsSubject(e.Title()), string(body)); err != nil {
		return fmt.Errorf("notify %s: %w", t.Name(), err)
	}
	return nil
}

// snsSubject fits a title to what Publish accepts as a subject: printable
// ASCII without line breaks, at most 100 characters.
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
func snsSubject(title string) string {
	var b strings.Builder
	for _, r := range title {
		switch {
		case r == '…':
			b.WriteString("...")
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		default:
			b.WriteByte('?')
		}
	}
	s := b.String()
	if len(s) > 100 {
		s = s[:97] + "..."
	}
	return s
}
