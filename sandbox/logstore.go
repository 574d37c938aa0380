package sandbox

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// logsDir holds workload output under the account directory, one JSON-lines
// file per log stream, so a CloudWatch Logs API in any kirikae process can
// read what a workload in another one wrote.
const logsDir = "logs"

// LogEvent is one line a workload printed, as CloudWatch Logs stores it:
// the time it was ingested in milliseconds since the epoch, and the line.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_OutputLogEvent.html
type LogEvent struct {
	Timestamp int64  `json:"timestamp"`
	Message   string `json:"message"`
}

// logMu serialises appends in this process; each line is written with one
// O_APPEND write, which other processes' appends do not interleave with.
var logMu sync.Mutex

// logFile maps a group and stream to a file name: both may hold "/" (a
// group is /aws/lambda/fn, a stream prefix/container/task-id), so they are
// escaped rather than used as directories.
func (a *Account) logFile(group, stream string) string {
	esc := func(s string) string { return strings.NewReplacer("%", "%25", "/", "%2F").Replace(s) }
	return filepath.Join(a.dir, logsDir, esc(group), esc(stream)+".jsonl")
}

// AppendLog stores message as one event of group/stream, stamped now.
func (a *Account) AppendLog(group, stream, message string) error {
	data, err := json.Marshal(LogEvent{Timestamp: time.Now().UnixMilli(), Message: message})
	if err != nil {
		return fmt.Errorf("append log event: %w", err)
	}
	path := a.logFile(group, stream)
	logMu.Lock()
	defer logMu.Unlock()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("append log event: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("append log event: %w", err)
	}
	defer f.Close()
	if _, err := f.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("append log event: %w", err)
	}
	return nil
}

// LogEvents returns every event of group/stream, oldest first; a stream
// nothing was written to has none.
func (a *Account) LogEvents(group, stream string) ([]LogEvent, error) {
	f, err := os.Open(a.logFile(group, stream))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read log events: %w", err)
	}
	defer f.Close()
	var out []LogEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		var ev LogEvent
		if json.Unmarshal(sc.Bytes(), &ev) == nil {
			out = append(out, ev) // a torn last line is skipped, not fatal
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read log events: %w", err)
	}
	return out, nil
}

// LogStreams lists the streams of group that have events, by name.
func (a *Account) LogStreams(group string) ([]string, error) {
	esc := strings.NewReplacer("%", "%25", "/", "%2F").Replace(group)
	entries, err := os.ReadDir(filepath.Join(a.dir, logsDir, esc))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list log streams: %w", err)
	}
	unesc := strings.NewReplacer("%2F", "/", "%25", "%")
	var out []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".jsonl"); ok {
			out = append(out, unesc.Replace(name))
		}
	}
	return out, nil
}

// logWriter returns a writer that stores each line written to it as an
// event of group/stream; close it when the process exits.
func (a *Account) logWriter(group, stream string) io.WriteCloser {
	pr, pw := io.Pipe()
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			_ = a.AppendLog(group, stream, sc.Text())
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	return pw
}
