package deploy

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
)

// LogEvent is one event of the workload's CloudWatch Logs.
type LogEvent = cloud.LogEvent

// LogSource is where a stack's workload logs: a CloudWatch Logs group and,
// for ECS, the stream prefix of one colour's tasks.
type LogSource struct {
	Group        string `json:"group"`
	StreamPrefix string `json:"streamPrefix,omitempty"`
	Color        string `json:"color,omitempty"`
}

// LogsOptions select the events Logs reads.
type LogsOptions struct {
	// Since is how far back to start; 0 means from the start of the logs.
	Since time.Duration
	// Follow keeps polling for new events until ctx ends.
	Follow bool
	// Pattern is a CloudWatch Logs filter pattern ("" = every event).
	Pattern string
	// Poll is how often Follow asks again (default 2s, well inside
	// FilterLogEvents' rate quota).
	Poll time.Duration
	// FollowLive (with Follow, ECS) moves to the other colour's streams
	// when a deploy or rollback flips the live colour, and tells
	// OnColorChange (may be nil) before it reads them.
	FollowLive    bool
	OnColorChange func(from, to LogSource)
}

// LogColorError is a --color that does not apply: not blue or green, or
// a Lambda stack, which has no colours.
type LogColorError struct {
	Stack, Color, Reason string
}

func (e *LogColorError) Error() string {
	return fmt.Sprintf("--color %s: %s", e.Color, e.Reason)
}

// BadInput: nothing was read.
func (e *LogColorError) BadInput() bool { return true }

// NoLogsError is a log group that does not exist yet.
type NoLogsError struct {
	Stack, Group string
}

func (e *NoLogsError) Error() string {
	return fmt.Sprintf("no logs for %s: log group %s does not exist", e.Stack, e.Group)
}

// Hint: the group is created by the first deploy.
func (e *NoLogsError) Hint(inv Invocation) string {
	return fmt.Sprintf("the first deploy creates it: run `%s`", inv.For(e.Stack).Command("up"))
}

// LogSource says where the workload logs: the function's group for Lambda;
// for ECS the service's group and the streams of color, by default the
// colour serving now (from the stack's outputs).
func (s *Session) LogSource(ctx context.Context, color string) (LogSource, error) {
	src := LogSource{Group: infra.LogGroupName(s.Config)}
	if s.Config.Backend == stacks.BackendLambda {
		if color != "" {
			return LogSource{}, &LogColorError{Stack: s.Stack(), Color: color, Reason: "a Lambda stack has no colours; it logs to one function group"}
		}
		return src, nil
	}
	switch color {
	case "":
		outs, err := s.Outputs(ctx)
		if err != nil {
			return LogSource{}, err
		}
		if color = outputString(outs, infra.OutputActiveColor); color == "" {
			return LogSource{}, &NoLogsError{Stack: s.Stack(), Group: src.Group}
		}
	case stacks.ColorBlue, stacks.ColorGreen:
	default:
		return LogSource{}, &LogColorError{Stack: s.Stack(), Color: color, Reason: "give blue or green"}
	}
	src.Color, src.StreamPrefix = color, infra.LogStreamPrefix(color)
	return src, nil
}

// Logs reads src's events since o.Since through CloudWatch Logs'
// FilterLogEvents, oldest first, and hands each to emit. With o.Follow it
// polls for new ones until ctx ends (then returns nil): each poll starts
// at the newest timestamp seen and skips the events already emitted there,
// since StartTime is inclusive. emit's error stops it.
func (s *Session) Logs(ctx context.Context, src LogSource, o LogsOptions, emit func(LogEvent) error) error {
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return err
	}
	q := cloud.LogQuery{Group: src.Group, StreamPrefix: src.StreamPrefix, Pattern: o.Pattern}
	if o.Since > 0 {
		q.Start = time.Now().Add(-o.Since)
	}
	poll := o.Poll
	if poll <= 0 {
		poll = 2 * time.Second
	}
	seen := map[string]bool{} // ids of the events emitted at q.Start
	following := time.Now()
	// With FollowLive a flip back re-reads a colour from when following
	// began; what was printed then is not printed again.
	printed := map[string]bool{}
	for {
		// The query stays fixed while its pages are read (a token belongs
		// to its query); the next poll starts at the newest event.
		newest, newSeen := q.Start, maps.Clone(seen)
		for q.NextToken = ""; ; {
			page, err := c.LogEvents(ctx, q)
			if err != nil {
				var nf *cloud.LogGroupNotFoundError
				if errors.As(err, &nf) {
					return &NoLogsError{Stack: s.Stack(), Group: src.Group}
				}
				if o.Follow && ctx.Err() != nil {
					return nil
				}
				return err
			}
			for _, ev := range page.Events {
				if seen[ev.ID] || printed[ev.ID] {
					continue
				}
				if ev.Time.After(newest) {
					newest, newSeen = ev.Time, map[string]bool{}
				}
				if ev.Time.Equal(newest) {
					newSeen[ev.ID] = true
				}
				if o.FollowLive {
					printed[ev.ID] = true
				}
				if err := emit(ev); err != nil {
					return err
				}
			}
			if q.NextToken = page.NextToken; q.NextToken == "" {
				break
			}
		}
		q.Start, seen = newest, newSeen
		if !o.Follow {
			return nil
		}
		if err := sleepCtx(ctx, poll); err != nil {
			return nil // the user stopped following
		}
		if o.FollowLive {
			if next, moved := s.followLive(ctx, src, o.OnColorChange); moved {
				// The new colour's events since following began: its
				// tasks started before the flip, so their first lines
				// are older than the last event read.
				src, q.StreamPrefix, q.Start, seen = next, next.StreamPrefix, following, map[string]bool{}
			}
		}
	}
}

// followLive re-reads which colour is live (the stack's outputs, as
// LogSource does) and reports whether it is another than src's. A failed
// read keeps the current colour until the next poll.
func (s *Session) followLive(ctx context.Context, src LogSource, changed func(from, to LogSource)) (LogSource, bool) {
	next, err := s.LogSource(ctx, "")
	if err != nil || next.Color == "" || next.Color == src.Color {
		return src, false
	}
	if changed != nil {
		changed(src, next)
	}
	return next, true
}
