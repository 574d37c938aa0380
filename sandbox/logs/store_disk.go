package logs

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
)

// How the log store keeps events on disk: <account>/logs/<group>/<stream>.jsonl,
// names base64url-encoded, one JSON object per line, under a flock.

// withLogs runs fn over the logs directory under the logs lock (shared to
// read, exclusive to write), so processes appending and reading at once
// never see half a line.
func withLogs(a *core.Account, exclusive bool, fn func(root string) error) error {
	root := filepath.Join(a.Dir(), logsDir)
	if err := os.MkdirAll(root, 0o700); err != nil {
		return fmt.Errorf("create sandbox logs dir: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(root, logsLock), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("open sandbox logs lock: %w", err)
	}
	defer f.Close()
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("lock sandbox logs: %w", err)
	}
	defer func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }()
	return fn(root)
}

// appendEvents writes events to the end of a stream's file (creating it).
// Called under the exclusive logs lock.
func appendEvents(root, group, stream string, events []LogEvent) error {
	dir := filepath.Join(root, core.EncodeName(group))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create log group %s: %w", group, err)
	}
	f, err := os.OpenFile(streamFile(root, group, stream), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("open log stream %s: %w", stream, err)
	}
	defer f.Close()
	seq, err := nextEventSeq(root, len(events))
	if err != nil {
		return err
	}
	now := time.Now().UnixMilli()
	w := bufio.NewWriter(f)
	for i, ev := range events {
		if ev.Timestamp == 0 {
			ev.Timestamp = now
		}
		rec := StoredLogEvent{LogEvent: ev, IngestionTime: now, EventID: fmt.Sprintf("%020d", seq+uint64(i))}
		raw, err := json.Marshal(rec)
		if err != nil {
			return fmt.Errorf("encode log event: %w", err)
		}
		_, _ = w.Write(append(raw, '\n'))
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write log stream %s: %w", stream, err)
	}
	return nil
}

// nextEventSeq reserves n event ids from the account's counter.
func nextEventSeq(root string, n int) (uint64, error) {
	p := filepath.Join(root, ".seq")
	var seq uint64
	if raw, err := os.ReadFile(p); err == nil {
		_, _ = fmt.Sscan(string(raw), &seq)
	}
	if err := os.WriteFile(p, fmt.Appendf(nil, "%d", seq+uint64(n)), 0o600); err != nil {
		return 0, fmt.Errorf("write log event counter: %w", err)
	}
	return seq + 1, nil
}

func readStream(root, group, stream string) ([]StoredLogEvent, error) {
	f, err := os.Open(streamFile(root, group, stream))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read log stream %s: %w", stream, err)
	}
	defer f.Close()
	var out []StoredLogEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 2*1024*1024) // an event is at most 1 MB
	for sc.Scan() {
		var ev StoredLogEvent
		if json.Unmarshal(sc.Bytes(), &ev) != nil {
			continue
		}
		ev.Group, ev.Stream = group, stream
		out = append(out, ev)
	}
	return out, sc.Err()
}

func streamFile(root, group, stream string) string {
	return filepath.Join(root, core.EncodeName(group), core.EncodeName(stream)+".jsonl")
}
