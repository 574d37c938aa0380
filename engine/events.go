package engine

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
)

// EventKind says what an Event reports.
type EventKind string

// Event kinds, in the order an operation usually emits them.
const (
	EventStepStarted EventKind = "step-started" // the engine begins a resource step
	EventStepDone    EventKind = "step-done"    // the step finished
	EventStepFailed  EventKind = "step-failed"  // the step failed
	EventDiagnostic  EventKind = "diagnostic"   // a message from the engine, program or provider
	EventSummary     EventKind = "summary"      // the operation's counts
	// EventPhase is a step of a deploy, rollback or promote, in words:
	// "stage: green gets image v2", "switch: traffic blue → green".
	EventPhase EventKind = "phase"
)

// Event is kirikae's view of one engine event: one stream feeds every view
// (human, JSON lines) and the typed result.
type Event struct {
	Kind     EventKind      `json:"kind"`
	Time     time.Time      `json:"time"`
	Op       string         `json:"op,omitempty"`
	URN      string         `json:"urn,omitempty"`
	Type     string         `json:"type,omitempty"`
	Name     string         `json:"name,omitempty"`
	Diffs    []string       `json:"diffs,omitempty"`
	Severity string         `json:"severity,omitempty"`
	Message  string         `json:"message,omitempty"`
	Changes  map[string]int `json:"changes,omitempty"`
	// Phase names the step of a deploy a phase event reports: preview,
	// stage, switch, upload, verify, bake, rollback…
	Phase string `json:"phase,omitempty"`
}

// internal reports the engine's bookkeeping resources: the root stack and
// providers. They are never shown or counted, so a plan's "46 to create",
// the summary and `stacks` all count the same resources: the program's.
func internal(typ string) bool {
	return typ == "pulumi:pulumi:Stack" || strings.HasPrefix(typ, "pulumi:providers:")
}

// managedCount counts the resources of an exported deployment, internal
// ones excluded.
func managedCount(deployment json.RawMessage) (int, error) {
	var d struct {
		Resources []struct {
			Type string `json:"type"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(deployment, &d); err != nil {
		return 0, fmt.Errorf("read deployment: %w", err)
	}
	n := 0
	for _, r := range d.Resources {
		if !internal(r.Type) {
			n++
		}
	}
	return n, nil
}

// collector turns the engine's event stream into Events and a Result.
type collector struct {
	onEvent   func(Event)
	resources []ResourceChange
	index     map[string]int
	errors    []string
	changes   map[string]int
	// hidden counts the steps of internal resources per op, so the
	// engine's summary can be reported without them.
	hidden map[string]int
	// rootOutputs are the root stack's outputs as the update finished
	// them (nil: no ResOutputsEvent for it), so an update needs no
	// `stack output` afterwards.
	rootOutputs map[string]any
}

func newCollector(onEvent func(Event)) *collector {
	return &collector{onEvent: onEvent, index: map[string]int{}, changes: map[string]int{}, hidden: map[string]int{}}
}

// run drains ch until the Automation API closes it.
func (c *collector) run(ch <-chan events.EngineEvent, done chan<- struct{}) {
	defer close(done)
	for ev := range ch {
		c.handle(ev.EngineEvent)
	}
}

func (c *collector) emit(e Event) {
	if c.onEvent != nil {
		c.onEvent(e)
	}
}

func (c *collector) handle(ev apitype.EngineEvent) {
	ts := time.Unix(int64(ev.Timestamp), 0).UTC()
	switch {
	case ev.ResourcePreEvent != nil:
		md := ev.ResourcePreEvent.Metadata
		if internal(md.Type) {
			// The summary counts the stack and explicit providers, not
			// default ones (named default_<version>).
			if op := string(md.Op); !replaceHalf(op) && !strings.HasPrefix(nameOf(md.URN), "default") {
				c.hidden[op]++
			}
			return
		}
		op := string(md.Op)
		if op != OpSame && op != "read" && op != "refresh" {
			c.record(md)
		}
		c.emit(Event{Kind: EventStepStarted, Time: ts, Op: op, URN: md.URN, Type: md.Type, Name: nameOf(md.URN), Diffs: md.Diffs})
	case ev.ResOutputsEvent != nil:
		md := ev.ResOutputsEvent.Metadata
		if md.Type == "pulumi:pulumi:Stack" && md.New != nil {
			c.rootOutputs = md.New.Outputs
		}
		if internal(md.Type) {
			return
		}
		op := string(md.Op)
		// refresh reports drift on completion: an update/delete here means
		// the cloud no longer matches the state.
		if (op == OpUpdate || op == OpDelete) && c.index[md.URN] == 0 {
			c.record(md)
		}
		c.emit(Event{Kind: EventStepDone, Time: ts, Op: op, URN: md.URN, Type: md.Type, Name: nameOf(md.URN), Diffs: md.Diffs})
	case ev.ResOpFailedEvent != nil:
		md := ev.ResOpFailedEvent.Metadata
		c.emit(Event{Kind: EventStepFailed, Time: ts, Op: string(md.Op), URN: md.URN, Type: md.Type, Name: nameOf(md.URN)})
	case ev.DiagnosticEvent != nil:
		d := ev.DiagnosticEvent
		msg := strings.TrimSpace(d.Message)
		if msg == "" || d.Ephemeral {
			return
		}
		if d.Severity == "error" {
			c.errors = append(c.errors, cleanDiag(msg))
		}
		c.emit(Event{Kind: EventDiagnostic, Time: ts, URN: d.URN, Name: nameOf(d.URN), Severity: d.Severity, Message: msg})
	case ev.SummaryEvent != nil:
		for op, n := range ev.SummaryEvent.ResourceChanges {
			if n -= c.hidden[string(op)]; n > 0 {
				c.changes[string(op)] = n
			}
		}
		c.emit(Event{Kind: EventSummary, Time: ts, Changes: c.changes})
	}
}

// replaceHalf reports the steps of a replacement the engine's summary does
// not count: it counts the replacement once, as "replace".
func replaceHalf(op string) bool {
	switch op {
	case "create-replacement", "delete-replaced", "discard-replaced":
		return true
	}
	return false
}

// record keeps one ResourceChange per URN; a replacement shows up as several
// engine steps (create-replacement, replace, delete-replaced) and is reported
// once as "replace".
func (c *collector) record(md apitype.StepEventMetadata) {
	op := string(md.Op)
	switch op {
	case "create-replacement", "delete-replaced", "replace", "discard-replaced":
		op = OpReplace
	}
	if i, ok := c.index[md.URN]; ok {
		if op == OpReplace {
			c.resources[i-1].Op = OpReplace
		}
		return
	}
	rc := ResourceChange{URN: md.URN, Type: md.Type, Name: nameOf(md.URN), Op: op, Properties: properties(md)}
	c.resources = append(c.resources, rc)
	c.index[md.URN] = len(c.resources)
}

func properties(md apitype.StepEventMetadata) []PropertyChange {
	var old, nw map[string]any
	if md.Old != nil {
		old = md.Old.Inputs
	}
	if md.New != nil {
		nw = md.New.Inputs
	}
	paths := make([]string, 0, len(md.DetailedDiff))
	for p := range md.DetailedDiff {
		paths = append(paths, p)
	}
	if len(paths) == 0 {
		paths = append(paths, md.Diffs...)
	}
	sort.Strings(paths)
	out := make([]PropertyChange, 0, len(paths))
	for _, p := range paths {
		kind := "update"
		if d, ok := md.DetailedDiff[p]; ok {
			kind = string(d.Kind)
		}
		out = append(out, PropertyChange{Path: p, Kind: kind, Old: lookup(old, p), New: lookup(nw, p)})
	}
	return out
}

// lookup resolves a top-level property path ("image", "tags.Name" → "tags").
// Nested paths show the whole top-level value: enough to read a diff, and
// avoids a path grammar of our own.
func lookup(m map[string]any, path string) any {
	if m == nil {
		return nil
	}
	key := path
	if i := strings.IndexAny(path, ".["); i > 0 {
		key = path[:i]
	}
	return known(m[key])
}

// Unknown is how a diff shows a value the engine computes during the update
// (Pulumi's own placeholder is an opaque UUID that means nothing to a reader).
const Unknown = "(known after apply)"

// known replaces Pulumi's unknown-value placeholder, at any depth.
func known(v any) any {
	switch t := v.(type) {
	case string:
		if t == plugin.UnknownStringValue {
			return Unknown
		}
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = known(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = known(e)
		}
		return out
	}
	return v
}

// nameOf returns the logical name at the end of a URN.
func nameOf(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}

// cleanDiag trims the engine's decorations from an error diagnostic.
func cleanDiag(msg string) string {
	msg = strings.TrimSpace(msg)
	msg = strings.TrimPrefix(msg, "error: ")
	return FirstLine(msg)
}

// Phase reports a deploy step to the session's listener. The message starts
// with the phase's name ("switch: traffic blue → green").
func (s *Session) Phase(format string, args ...any) {
	if s.opts.OnEvent != nil {
		msg := fmt.Sprintf(format, args...)
		name, _, _ := strings.Cut(msg, ":")
		s.opts.OnEvent(Event{Kind: EventPhase, Time: time.Now().UTC(), Phase: name, Message: msg})
	}
}
