package cloud

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// LogQuery selects a page of one log group's events.
type LogQuery struct {
	Group string
	// StreamPrefix keeps streams whose names start with it (ECS's awslogs
	// streams are "<prefix>/<container>/<task id>": the colour here).
	StreamPrefix string
	// Start and End bound the event times ([Start, End)); zero is open.
	Start, End time.Time
	// Pattern is a CloudWatch Logs filter pattern ("" = every event).
	Pattern   string
	NextToken string
}

// LogEvent is one event as CloudWatch Logs returns it.
type LogEvent struct {
	Time    time.Time `json:"time"`
	Stream  string    `json:"stream"`
	Message string    `json:"message"`
	ID      string    `json:"id"`
}

// LogPage is one page of events, oldest first; NextToken is "" on the
// last page.
type LogPage struct {
	Events    []LogEvent
	NextToken string
}

// LogGroupNotFoundError is a log group that does not exist (yet): the
// stack was never deployed, or the workload never wrote.
type LogGroupNotFoundError struct{ Group string }

func (e *LogGroupNotFoundError) Error() string {
	return fmt.Sprintf("log group %s does not exist", e.Group)
}

// LogEvents reads one page of a group's events through FilterLogEvents,
// which interleaves the group's streams by time.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html
func (a *AWS) LogEvents(ctx context.Context, q LogQuery) (LogPage, error) {
	in := &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(q.Group)}
	if q.StreamPrefix != "" {
		in.LogStreamNamePrefix = aws.String(q.StreamPrefix)
	}
	if !q.Start.IsZero() {
		in.StartTime = aws.Int64(q.Start.UnixMilli())
	}
	if !q.End.IsZero() {
		in.EndTime = aws.Int64(q.End.UnixMilli())
	}
	if q.Pattern != "" {
		in.FilterPattern = aws.String(q.Pattern)
	}
	if q.NextToken != "" {
		in.NextToken = aws.String(q.NextToken)
	}
	out, err := a.logs.FilterLogEvents(ctx, in)
	var nf *logtypes.ResourceNotFoundException
	if errors.As(err, &nf) {
		return LogPage{}, &LogGroupNotFoundError{Group: q.Group}
	}
	if err != nil {
		return LogPage{}, fmt.Errorf("filter log events of %s: %w", q.Group, err)
	}
	page := LogPage{NextToken: aws.ToString(out.NextToken)}
	for _, e := range out.Events {
		page.Events = append(page.Events, LogEvent{
			Time:   time.UnixMilli(aws.ToInt64(e.Timestamp)).UTC(),
			Stream: aws.ToString(e.LogStreamName), Message: aws.ToString(e.Message), ID: aws.ToString(e.EventId),
		})
	}
	return page, nil
}
