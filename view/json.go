package view

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"

	"github.com/kirikae/kirikae/deploy"
)

var _ View = (*JSON)(nil)

// JSONOptions tune the machine-readable rendering.
type JSONOptions struct {
	// Stream writes every event as a JSON line and the result as a last
	// line with "kind":"result", so all of stdout is JSON lines (up --json).
	Stream bool
}

// JSON renders for scripts. The documented shapes (JSON.md in this
// directory) are a contract: field names are stable camelCase, durations
// are integer "durationMs", times RFC 3339 UTC, and secret outputs are
// {"value":"[secret]","secret":true}; a secret value is never written.
//
// Without Stream, each command writes exactly one object, indented two
// spaces, with a trailing newline:
//
//	preview/up/refresh/destroy  {"operation","stack","sandbox","version","durationMs","hasChanges","changes","resources","outputs"}
//	history                     {"stack","updates":[{"version","kind","result","message","startTime","endTime","durationMs","changes"}]}
//	outputs                     {"stack","outputs":{"<key>":{"value","secret"}}}
//	stacks                      {"stacks":[{"name","deployed","lastUpdate","result","imageTag","resources"}]}
//	config check                {"ok","stacks":[{"stack","file","ok","problems"}],"parity"}
//	version                     {"kirikae","pulumi","awsSdk","go","pulumiCli"}
//
// With Stream, each event is a compact line {"kind":"step-started",...}
// and each command's object is one compact line with "kind" added
// ("result", "history", "outputs", "stacks", "configCheck", "version").
// Notices are dropped so stdout stays parseable.
type JSON struct {
	out  io.Writer
	opts JSONOptions
	mu   sync.Mutex
}

// NewJSON returns the JSON view writing to out.
func NewJSON(out io.Writer, opts JSONOptions) View {
	return &JSON{out: out, opts: opts}
}

// Notice is dropped: stdout carries only JSON, and the human notice is
// not part of the contract.
func (j *JSON) Notice(string) {}

// Event writes one JSON line in stream mode; otherwise events are dropped.
func (j *JSON) Event(e deploy.Event) {
	if !j.opts.Stream {
		return
	}
	// An event has no error path; a broken stdout surfaces at Result.
	_ = j.emit("", newEventJSON(e))
}

// Result writes the outcome of preview, up, refresh or destroy.
func (j *JSON) Result(r *deploy.Result) error {
	if r == nil {
		return errNilResult
	}
	return j.emit("result", newResultJSON(r))
}

// History writes the stack's updates, newest first.
func (j *JSON) History(stack string, updates []deploy.Update) error {
	return j.emit("history", newHistoryJSON(stack, updates))
}

// Outputs writes the stack's outputs with secrets masked.
func (j *JSON) Outputs(stack string, outputs map[string]deploy.Output) error {
	return j.emit("outputs", &outputsDoc{Stack: stack, Outputs: newOutputsJSON(outputs)})
}

// Stacks writes one entry per stack.
func (j *JSON) Stacks(rows []StackRow) error {
	return j.emit("stacks", newStacksJSON(rows))
}

// ConfigCheck writes the validation and parity report.
func (j *JSON) ConfigCheck(report ConfigReport) error {
	return j.emit("configCheck", newConfigJSON(report))
}

// Version writes the version information.
func (j *JSON) Version(v VersionInfo) error {
	return j.emit("version", newVersionJSON(v))
}

// Close has nothing to flush: every document is written whole.
func (j *JSON) Close() error { return nil }

// emit writes one document: indented, or, in stream mode, one compact line
// with "kind" set first.
func (j *JSON) emit(kind string, doc kindSetter) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<" in a message is not an HTML context
	if j.opts.Stream {
		if kind != "" {
			doc.setKind(kind)
		}
	} else {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(doc); err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	_, err := j.out.Write(b.Bytes())
	return err
}
