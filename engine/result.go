package engine

import (
	"time"
)

// Op names as the engine reports them.
const (
	OpCreate  = "create"
	OpUpdate  = "update"
	OpReplace = "replace"
	OpDelete  = "delete"
	OpSame    = "same"
)

// PropertyChange is one changed property of a resource.
type PropertyChange struct {
	Path string `json:"path"`
	// Kind is add, update, delete, or the same with "-replace" when the
	// change forces a replacement.
	Kind string `json:"kind"`
	Old  any    `json:"old,omitempty"`
	New  any    `json:"new,omitempty"`
}

// ResourceChange is one resource step of an operation.
type ResourceChange struct {
	URN        string           `json:"urn"`
	Type       string           `json:"type"`
	Name       string           `json:"name"`
	Op         string           `json:"op"`
	Properties []PropertyChange `json:"properties,omitempty"`
}

// Output is one stack output; secret values are never rendered in clear.
type Output struct {
	Value  any  `json:"value"`
	Secret bool `json:"secret"`
}

// Result is the outcome of preview, up, refresh or destroy.
type Result struct {
	Operation string         `json:"operation"`
	Stack     string         `json:"stack"`
	Sandbox   bool           `json:"sandbox"`
	Changes   map[string]int `json:"changes"`
	// Resources lists every step that is not "same", in engine order.
	Resources []ResourceChange  `json:"resources"`
	Duration  time.Duration     `json:"-"`
	Outputs   map[string]Output `json:"outputs,omitempty"`
}

// HasChanges reports whether any resource would be or was changed.
func (r *Result) HasChanges() bool {
	for op, n := range r.Changes {
		if op != OpSame && n > 0 {
			return true
		}
	}
	return false
}

// Update is one entry of a stack's history, numbered by kirikae because the
// file backend reports every version as 0.
type Update struct {
	Version   int            `json:"version"`
	Kind      string         `json:"kind"`
	Result    string         `json:"result"`
	Message   string         `json:"message,omitempty"`
	StartTime time.Time      `json:"startTime"`
	EndTime   time.Time      `json:"endTime"`
	Changes   map[string]int `json:"changes,omitempty"`
	// Config is the stack config that update ran with (secrets stay
	// encrypted/blinded); rollbacks re-apply it.
	Config map[string]string `json:"config,omitempty"`
}
