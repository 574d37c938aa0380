package view

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
)

var logEv = deploy.LogEvent{Time: time.Date(2026, 11, 25, 19, 0, 1, 234e6, time.UTC), Stream: "blue/api/abc",
	Message: "GET /x 500 \x1b[31mboom\x1b[0m\x1b]0;pwned\x07\r\n", ID: "0001"}

func TestLogEventHumanIsTextOnly(t *testing.T) {
	var out bytes.Buffer
	h := newHuman(&out, &bytes.Buffer{}, HumanOptions{})
	require.NoError(t, h.LogEvent(logEv))
	assert.Equal(t, "2026-11-25T19:00:01.234Z blue/api/abc GET /x 500 boom�]0;pwned�\n", out.String())
	assert.NotContains(t, out.String(), "\x1b", "a workload's output never drives the terminal")
}

func TestLogEventJSONLines(t *testing.T) {
	var out bytes.Buffer
	j := NewJSON(&out, JSONOptions{})
	require.NoError(t, j.LogEvent(logEv))
	require.NoError(t, j.LogEvent(logEv))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 2, "one compact line per event")
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &doc))
	assert.Equal(t, map[string]any{"kind": "log", "time": "2026-11-25T19:00:01.234Z", "stream": "blue/api/abc",
		"message": logEv.Message, "id": "0001"}, doc)
}

func TestLogEventMarkdown(t *testing.T) {
	var out bytes.Buffer
	m := NewMarkdown(&out, MarkdownOptions{})
	require.NoError(t, m.LogEvent(deploy.LogEvent{Time: logEv.Time, Stream: "s", Message: "a `b`"}))
	assert.Equal(t, "- 2026-11-25T19:00:01.234Z s `a 'b'`\n", out.String())
}

// JSON.md documents exactly the fields a log line has.
func TestLogEventJSONMatchesDoc(t *testing.T) {
	example, ok := docExamples(t)["logs"]
	require.True(t, ok, "JSON.md has no json example under ## logs")
	var out bytes.Buffer
	require.NoError(t, NewJSON(&out, JSONOptions{}).LogEvent(logEv))
	assert.Equal(t, shape(t, []byte(example)), shape(t, out.Bytes()))
}
