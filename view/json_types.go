package view

import (
	"time"

	"github.com/kirikae/kirikae/deploy"
)

// The JSON view writes these types, not deploy's, so renaming a field in
// deploy cannot silently change the documented contract (JSON.md).

// docKind is the "kind" field every document carries in stream mode; it
// is embedded first so "kind" leads the line.
type docKind struct {
	Kind string `json:"kind,omitempty"`
}

func (d *docKind) setKind(k string) { d.Kind = k }

type kindSetter interface{ setKind(string) }

type eventJSON struct {
	docKind
	Time     time.Time      `json:"time"`
	Op       string         `json:"op,omitempty"`
	URN      string         `json:"urn,omitempty"`
	Type     string         `json:"type,omitempty"`
	Name     string         `json:"name,omitempty"`
	Diffs    []string       `json:"diffs,omitempty"`
	Severity string         `json:"severity,omitempty"`
	Message  string         `json:"message,omitempty"`
	Changes  map[string]int `json:"changes,omitempty"`
	Phase    string         `json:"phase,omitempty"`
}

func newEventJSON(e deploy.Event) *eventJSON {
	return &eventJSON{
		docKind: docKind{Kind: string(e.Kind)},
		Time:    e.Time.UTC(),
		Op:      e.Op, URN: e.URN, Type: e.Type, Name: e.Name, Diffs: e.Diffs,
		Severity: e.Severity, Message: clean(e.Message), Changes: e.Changes, Phase: e.Phase,
	}
}

type resultJSON struct {
	docKind
	Operation  string                `json:"operation"`
	Stack      string                `json:"stack"`
	Sandbox    bool                  `json:"sandbox"`
	DurationMs int64                 `json:"durationMs"`
	HasChanges bool                  `json:"hasChanges"`
	Changes    map[string]int        `json:"changes"`
	Resources  []resourceJSON        `json:"resources"`
	Outputs    map[string]outputJSON `json:"outputs"`
}

type resourceJSON struct {
	URN        string         `json:"urn"`
	Type       string         `json:"type"`
	Name       string         `json:"name"`
	Op         string         `json:"op"`
	Properties []propertyJSON `json:"properties"`
}

type propertyJSON struct {
	Path string `json:"path"`
	Kind string `json:"kind"`
	Old  any    `json:"old"`
	New  any    `json:"new"`
}

type outputJSON struct {
	Value  any  `json:"value"`
	Secret bool `json:"secret"`
}

func newResultJSON(r *deploy.Result) *resultJSON {
	c := counts(r)
	// Every op key is present so scripts can read .changes.create without
	// a default; other keys the engine reported are kept.
	for _, op := range []string{deploy.OpCreate, deploy.OpUpdate, deploy.OpReplace, deploy.OpDelete, deploy.OpSame} {
		if _, ok := c[op]; !ok {
			c[op] = 0
		}
	}
	res := &resultJSON{
		Operation: r.Operation, Stack: r.Stack, Sandbox: r.Sandbox,
		DurationMs: r.Duration.Milliseconds(),
		HasChanges: changed(c) > 0 || len(r.Resources) > 0,
		Changes:    c,
		Resources:  make([]resourceJSON, 0, len(r.Resources)),
		Outputs:    newOutputsJSON(r.Outputs),
	}
	for _, rc := range r.Resources {
		props := make([]propertyJSON, 0, len(rc.Properties))
		for _, p := range rc.Properties {
			props = append(props, propertyJSON{Path: p.Path, Kind: p.Kind, Old: mask(p.Old), New: mask(p.New)})
		}
		res.Resources = append(res.Resources, resourceJSON{URN: rc.URN, Type: rc.Type, Name: rc.Name, Op: rc.Op, Properties: props})
	}
	return res
}

func newOutputsJSON(outputs map[string]deploy.Output) map[string]outputJSON {
	out := make(map[string]outputJSON, len(outputs))
	for k, o := range outputs {
		if o.Secret {
			out[k] = outputJSON{Value: secretMask, Secret: true}
			continue
		}
		out[k] = outputJSON{Value: mask(o.Value)}
	}
	return out
}

type outputsDoc struct {
	docKind
	Stack   string                `json:"stack"`
	Outputs map[string]outputJSON `json:"outputs"`
}

type historyJSON struct {
	docKind
	Stack   string       `json:"stack"`
	Updates []updateJSON `json:"updates"`
}

// updateJSON leaves out deploy.Update's Config: it is rollback plumbing,
// and config is not something a history listing should publish.
type updateJSON struct {
	Version    int            `json:"version"`
	Kind       string         `json:"kind"`
	Result     string         `json:"result"`
	Message    string         `json:"message"`
	StartTime  *time.Time     `json:"startTime"`
	EndTime    *time.Time     `json:"endTime"`
	DurationMs *int64         `json:"durationMs"`
	Changes    map[string]int `json:"changes"`
}

func newHistoryJSON(stack string, updates []deploy.Update) *historyJSON {
	doc := &historyJSON{Stack: stack, Updates: make([]updateJSON, 0, len(updates))}
	for _, u := range updates {
		j := updateJSON{
			Version: u.Version, Kind: u.Kind, Result: u.Result, Message: u.Message,
			StartTime: utc(u.StartTime), EndTime: utc(u.EndTime), Changes: u.Changes,
		}
		if j.Changes == nil {
			j.Changes = map[string]int{}
		}
		if j.StartTime != nil && j.EndTime != nil {
			ms := u.EndTime.Sub(u.StartTime).Milliseconds()
			j.DurationMs = &ms
		}
		doc.Updates = append(doc.Updates, j)
	}
	return doc
}

// utc is nil for the zero time, so "never" is null rather than year 1.
func utc(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

type stacksJSON struct {
	docKind
	Stacks []stackJSON `json:"stacks"`
}

type stackJSON struct {
	Name       string     `json:"name"`
	Deployed   bool       `json:"deployed"`
	LastUpdate *time.Time `json:"lastUpdate"`
	Result     string     `json:"result"`
	ImageTag   string     `json:"imageTag"`
	Resources  int        `json:"resources"`
}

func newStacksJSON(rows []StackRow) *stacksJSON {
	doc := &stacksJSON{Stacks: make([]stackJSON, 0, len(rows))}
	for _, r := range rows {
		doc.Stacks = append(doc.Stacks, stackJSON{
			Name: r.Name, Deployed: r.Deployed, LastUpdate: utc(r.LastUpdate),
			Result: r.Result, ImageTag: r.ImageTag, Resources: r.Resources,
		})
	}
	return doc
}

type configJSON struct {
	docKind
	OK     bool              `json:"ok"`
	Stacks []stackConfigJSON `json:"stacks"`
	Parity []string          `json:"parity"`
}

type stackConfigJSON struct {
	Stack    string   `json:"stack"`
	File     string   `json:"file"`
	OK       bool     `json:"ok"`
	Problems []string `json:"problems"`
}

func newConfigJSON(r ConfigReport) *configJSON {
	doc := &configJSON{OK: r.OK(), Stacks: make([]stackConfigJSON, 0, len(r.Stacks)), Parity: r.Parity}
	if doc.Parity == nil {
		doc.Parity = []string{}
	}
	for _, s := range r.Stacks {
		p := s.Problems
		if p == nil {
			p = []string{}
		}
		doc.Stacks = append(doc.Stacks, stackConfigJSON{Stack: s.Stack, File: s.File, OK: len(p) == 0, Problems: p})
	}
	return doc
}

type versionDoc struct {
	docKind
	Kirikae   string `json:"kirikae"`
	Pulumi    string `json:"pulumi"`
	AWSSDK    string `json:"awsSdk"`
	Go        string `json:"go"`
	PulumiCLI string `json:"pulumiCli"`
}

func newVersionJSON(v VersionInfo) *versionDoc {
	return &versionDoc{Kirikae: v.Kirikae, Pulumi: v.Pulumi, AWSSDK: v.AWSSDK, Go: v.Go, PulumiCLI: v.PulumiCLI}
}
