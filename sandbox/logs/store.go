package logs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
)

// The account's CloudWatch Logs: log groups and streams of events, kept as
// one JSON-lines file per stream under <account>/logs/, apart from the
// account's state file so a chatty workload never rewrites it. The
// endpoint's CloudWatch Logs API (logs/api.go) and the workloads'
// captured output both go through the functions here.

const (
	logsDir  = "logs"
	logsLock = ".lock"
)

// LogEvent is one log event: a message and when it happened, in
// milliseconds since 1970 (CloudWatch Logs' InputLogEvent).
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_InputLogEvent.html
type LogEvent struct {
	Timestamp int64  `json:"timestamp"`
	Message   string `json:"message"`
}

// StoredLogEvent is an event as the store keeps and returns it.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilteredLogEvent.html
type StoredLogEvent struct {
	LogEvent
	Group         string `json:"-"`
	Stream        string `json:"-"`
	IngestionTime int64  `json:"ingestionTime"`
	// EventID is unique in the account; it orders events ingested at the
	// same timestamp.
	EventID string `json:"eventId"`
}

// LogStream describes one stream.
type LogStream struct {
	Name           string
	CreationTime   int64
	FirstEventTime int64
	LastEventTime  int64
	LastIngestion  int64
	StoredBytes    int64
}

// LogGroup describes one group: one made by the program
// (aws:cloudwatch/logGroup:LogGroup) or by a workload writing to it.
type LogGroup struct {
	Name          string
	Arn           string
	RetentionDays int
	CreationTime  int64
}

// LogQuery selects events of one group, as FilterLogEvents does: streams
// by names or name prefix, a time range [Start, End) in milliseconds (0 =
// open) and a filter pattern.
type LogQuery struct {
	Group        string
	Streams      []string
	StreamPrefix string
	Start, End   int64
	Pattern      string
}

// PutLogEvents appends events to group/stream, creating either when
// missing, the way the awslogs driver and the Lambda service create their
// streams (and, for Lambda, its group) on first write:
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
// Events with no timestamp are stamped now.
func PutLogEvents(a *core.Account, group, stream string, events ...LogEvent) error {
	if group == "" || stream == "" {
		return errors.New("put log events: group and stream are required")
	}
	return withLogs(a, true, func(root string) error {
		if err := ensureLogGroup(a, root, group); err != nil {
			return err
		}
		return appendEvents(root, group, stream, events)
	})
}

// CreateLogGroup creates an empty group; an existing one is
// ResourceAlreadyExistsException, as on AWS.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
func CreateLogGroup(a *core.Account, group string) error {
	return withLogs(a, true, func(root string) error {
		if logGroupExists(a, root, group) {
			return core.BadRequest("ResourceAlreadyExistsException", "The specified log group already exists")
		}
		return ensureLogGroup(a, root, group)
	})
}

// CreateLogStream creates an empty stream in an existing group.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogStream.html
func CreateLogStream(a *core.Account, group, stream string) error {
	return withLogs(a, true, func(root string) error {
		if !logGroupExists(a, root, group) {
			return core.BadRequest("ResourceNotFoundException", "The specified log group does not exist.")
		}
		p := streamFile(root, group, stream)
		if _, err := os.Stat(p); err == nil {
			return core.BadRequest("ResourceAlreadyExistsException", "The specified log stream already exists")
		}
		return appendEvents(root, group, stream, nil)
	})
}

// LogGroups lists the groups whose names start with prefix, sorted.
func LogGroups(a *core.Account, prefix string) ([]LogGroup, error) {
	declared, err := declaredLogGroups(a)
	if err != nil {
		return nil, err
	}
	var out []LogGroup
	err = withLogs(a, false, func(root string) error {
		seen := map[string]bool{}
		for _, g := range declared {
			seen[g.Name] = true
			out = append(out, g)
		}
		entries, err := os.ReadDir(root)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		for _, e := range entries {
			name, ok := core.DecodeName(e.Name())
			if !e.IsDir() || !ok || seen[name] {
				continue
			}
			info, _ := e.Info()
			out = append(out, LogGroup{Name: name, Arn: logGroupArn(name), CreationTime: info.ModTime().UnixMilli()})
		}
		return nil
	})
	kept := out[:0]
	for _, g := range out {
		if strings.HasPrefix(g.Name, prefix) {
			kept = append(kept, g)
		}
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].Name < kept[j].Name })
	return kept, err
}

// LogStreams lists a group's streams whose names start with prefix,
// sorted by name; a missing group is ResourceNotFoundException.
func LogStreams(a *core.Account, group, prefix string) ([]LogStream, error) {
	var out []LogStream
	err := withLogs(a, false, func(root string) error {
		if !logGroupExists(a, root, group) {
			return core.BadRequest("ResourceNotFoundException", "The specified log group does not exist.")
		}
		entries, err := os.ReadDir(filepath.Join(root, core.EncodeName(group)))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		for _, e := range entries {
			name, ok := core.DecodeName(strings.TrimSuffix(e.Name(), ".jsonl"))
			if e.IsDir() || !ok || !strings.HasPrefix(name, prefix) {
				continue
			}
			evs, err := readStream(root, group, name)
			if err != nil {
				return err
			}
			info, _ := e.Info()
			ls := LogStream{Name: name, CreationTime: info.ModTime().UnixMilli()}
			for i, ev := range evs {
				if i == 0 || ev.Timestamp < ls.FirstEventTime {
					ls.FirstEventTime = ev.Timestamp
				}
				ls.LastEventTime = max(ls.LastEventTime, ev.Timestamp)
				ls.LastIngestion = max(ls.LastIngestion, ev.IngestionTime)
				ls.StoredBytes += int64(len(ev.Message))
			}
			out = append(out, ls)
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// FilterLogEvents returns the group's events the query selects, ordered by
// timestamp then ingestion (as FilterLogEvents interleaves its streams).
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html
func FilterLogEvents(a *core.Account, q LogQuery) ([]StoredLogEvent, error) {
	match, err := compilePattern(q.Pattern)
	if err != nil {
		return nil, err
	}
	var out []StoredLogEvent
	err = withLogs(a, false, func(root string) error {
		if !logGroupExists(a, root, q.Group) {
			return core.BadRequest("ResourceNotFoundException", "The specified log group does not exist.")
		}
		entries, err := os.ReadDir(filepath.Join(root, core.EncodeName(q.Group)))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		for _, e := range entries {
			stream, ok := core.DecodeName(strings.TrimSuffix(e.Name(), ".jsonl"))
			if !ok || !strings.HasPrefix(stream, q.StreamPrefix) || len(q.Streams) > 0 && !core.Contains(q.Streams, stream) {
				continue
			}
			evs, err := readStream(root, q.Group, stream)
			if err != nil {
				return err
			}
			for _, ev := range evs {
				if q.Start > 0 && ev.Timestamp < q.Start || q.End > 0 && ev.Timestamp >= q.End || !match(ev.Message) {
					continue
				}
				out = append(out, ev)
			}
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Timestamp != out[j].Timestamp {
			return out[i].Timestamp < out[j].Timestamp
		}
		return out[i].EventID < out[j].EventID
	})
	return out, err
}

// compilePattern reads the subset of the filter pattern syntax for
// unstructured events that matters for reading a service's logs: terms
// that must all appear, "quoted phrases", and -term exclusions; matching is
// case-sensitive.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
func compilePattern(p string) (func(string) bool, error) {
	var must, not []string
	rest := strings.TrimSpace(p)
	for rest != "" {
		neg := strings.HasPrefix(rest, "-")
		if neg {
			rest = rest[1:]
		}
		var term string
		if strings.HasPrefix(rest, `"`) {
			end := strings.Index(rest[1:], `"`)
			if end < 0 {
				return nil, core.BadRequest("InvalidParameterException", "Invalid filter pattern: unterminated quote")
			}
			term, rest = rest[1:1+end], rest[2+end:]
		} else {
			term, rest, _ = strings.Cut(rest, " ")
		}
		rest = strings.TrimSpace(rest)
		if neg {
			not = append(not, term)
		} else if term != "" {
			must = append(must, term)
		}
	}
	return func(msg string) bool {
		for _, t := range must {
			if !strings.Contains(msg, t) {
				return false
			}
		}
		for _, t := range not {
			if t != "" && strings.Contains(msg, t) {
				return false
			}
		}
		return true
	}, nil
}

// declaredLogGroups are the program's log groups in the account's state.
func declaredLogGroups(a *core.Account) ([]LogGroup, error) {
	var out []LogGroup
	err := a.View(func(st *core.State) error {
		for _, o := range core.NewIndex(st)[core.TokLogGroup] {
			name := core.StrOf(o, "name")
			if name == "" {
				name = core.StrOf(o, "id")
			}
			arn := core.StrOf(o, "arn")
			if arn == "" {
				arn = logGroupArn(name)
			}
			out = append(out, LogGroup{Name: name, Arn: arn, RetentionDays: core.Number(o["retentionInDays"])})
		}
		return nil
	})
	return out, err
}

func logGroupExists(a *core.Account, root, group string) bool {
	if _, err := os.Stat(filepath.Join(root, core.EncodeName(group))); err == nil {
		return true
	}
	declared, _ := declaredLogGroups(a)
	for _, g := range declared {
		if g.Name == group {
			return true
		}
	}
	return false
}

func ensureLogGroup(a *core.Account, root, group string) error {
	if err := os.MkdirAll(filepath.Join(root, core.EncodeName(group)), 0o700); err != nil {
		return fmt.Errorf("create log group %s: %w", group, err)
	}
	return nil
}

func logGroupArn(name string) string {
	return "arn:aws:logs:us-east-1:" + core.DefaultAccount + ":log-group:" + name
}
