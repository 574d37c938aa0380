package view

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/kirikae/kirikae/deploy"
)

// Log events come from the workload: whatever it printed, including
// escape sequences that would drive the reader's terminal. Every format
// shows them as text only.

// logTime is an event's time to the millisecond, in UTC.
func logTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// logText removes colour codes and replaces every other control
// character (ESC, CR, BEL, …) except tab, so a log line cannot move the
// cursor, retitle the window or hide what came before it.
func logText(s string) string {
	s = reDecor.ReplaceAllString(strings.TrimRight(s, "\r\n"), "")
	return strings.Map(func(r rune) rune {
		if r == '\t' || r >= 0x20 && r != 0x7f && (r < 0x80 || r > 0x9f) {
			return r
		}
		return '�'
	}, s)
}

// LogEvent prints one line: time, stream, message.
func (h *Human) LogEvent(e deploy.LogEvent) error {
	return h.write(fmt.Sprintf("%s %s %s\n", h.c(dim, logTime(e.Time)), h.c(dim, logText(e.Stream)), logText(e.Message)))
}

type logJSON struct {
	docKind
	Time    string `json:"time"`
	Stream  string `json:"stream"`
	Message string `json:"message"`
	ID      string `json:"id"`
}

// LogEvent writes one compact JSON line per event, whatever the stream
// option: `logs --follow --json` never ends, so it cannot be one object.
// The message is the workload's text as CloudWatch Logs returned it (JSON
// escapes every control character).
func (j *JSON) LogEvent(e deploy.LogEvent) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	doc := logJSON{docKind: docKind{Kind: "log"}, Time: logTime(e.Time), Stream: e.Stream, Message: e.Message, ID: e.ID}
	if err := enc.Encode(doc); err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	_, err := j.out.Write(b.Bytes())
	return err
}

// LogEvent writes one list item; the message is a code span.
func (m *Markdown) LogEvent(e deploy.LogEvent) error {
	msg := strings.ReplaceAll(logText(e.Message), "`", "'")
	return m.write(fmt.Sprintf("- %s %s `%s`\n", logTime(e.Time), mdEscape.Replace(logText(e.Stream)), msg))
}
