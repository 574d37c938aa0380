package cloud

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// Publish sends one message to an SNS topic and returns its message id.
// Subject is what email subscribers see as the subject line.
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
func (a *AWS) Publish(ctx context.Context, topicArn, subject, message string) (string, error) {
	in := &sns.PublishInput{TopicArn: aws.String(topicArn), Message: aws.String(message)}
	if subject != "" {
		in.Subject = aws.String(subject)
	}
	out, err := a.sns.Publish(ctx, in)
	if err != nil {
		return "", fmt.Errorf("publish to %s: %w", topicArn, err)
	}
	return aws.ToString(out.MessageId), nil
}
