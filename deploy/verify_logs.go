package deploy

import (
	"context"
	"strings"
	"time"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
)

// functionError is the newest error line a Lambda stack's function logged
// since the given time, "" when there is none or the logs cannot be read.
// Lambda writes why an invocation failed into the function's log stream
// ("RequestId: … Error: …",
// https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html),
// while API Gateway answers only 500: a failed verification quotes it, so
// a runtime that cannot start says why in the deploy's own error.
func (s *Session) functionError(ctx context.Context, since time.Time) string {
	if s.Config.Backend != stacks.BackendLambda {
		return ""
	}
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return ""
	}
	q := cloud.LogQuery{Group: infra.LogGroupName(s.Config), Start: since, Pattern: "Error"}
	last := ""
	for range 5 { // a few pages: the newest events are what matter
		page, err := c.LogEvents(ctx, q)
		if err != nil {
			return last
		}
		for _, ev := range page.Events {
			if i := strings.Index(ev.Message, " Error: "); i >= 0 {
				last = strings.TrimSpace(ev.Message[i+1:])
			}
		}
		if q.NextToken = page.NextToken; q.NextToken == "" {
			break
		}
	}
	return last
}
