package notify

import (
	"encoding/json"
	"fmt"
	"time"
)

// Schema names the JSON body's version; a receiver checks it before reading
// the rest. Fields are only ever added under the same schema.
const Schema = "kirikae.notify/v1"

// Body is the JSON document the generic webhook POSTs (doc.go describes
// every field). It is exported so any other channel (an SNS topic, a queue)
// can carry the same document and receivers parse one format.
type Body struct {
	Schema          string         `json:"schema"`
	ID              string         `json:"id"`
	Kind            Kind           `json:"kind"`
	Outcome         Outcome        `json:"outcome"`
	Title           string         `json:"title"`
	Stack           string         `json:"stack"`
	Release         *BodyRelease   `json:"release,omitempty"`
	Who             string         `json:"who,omitempty"`
	CIRunURL        string         `json:"ci_run_url,omitempty"`
	Changes         map[string]int `json:"changes,omitempty"`
	RollbackCommand string         `json:"rollback_command,omitempty"`
	Reason          string         `json:"reason,omitempty"`
	Time            time.Time      `json:"time"`
}

// BodyRelease is the release an event is about.
type BodyRelease struct {
	ID   int    `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// NewBody lays an event out as the documented JSON body.
func NewBody(e Event) Body {
	b := Body{
		Schema:          Schema,
		ID:              e.ID,
		Kind:            e.Kind,
		Outcome:         e.Outcome(),
		Title:           e.Title(),
		Stack:           e.Stack,
		Who:             e.Who,
		CIRunURL:        e.RunURL,
		Changes:         e.Changes,
		RollbackCommand: e.RollbackCommand,
		Reason:          e.Reason,
		Time:            e.Time.UTC(),
	}
	if e.ReleaseID > 0 || e.ReleaseName != "" {
		b.Release = &BodyRelease{ID: e.ReleaseID, Name: e.ReleaseName}
	}
	return b
}

// Marshal renders the body as JSON, the exact bytes that are signed.
func (b Body) Marshal() ([]byte, error) {
	raw, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("encode notification body: %w", err)
	}
	return raw, nil
}
