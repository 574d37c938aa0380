package core

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// TypeSpec is everything type-specific about a simulated resource. One table
// holds every type so behaviour stays uniform.
type TypeSpec struct {
	Token     string
	Required  []string
	Name      string // physical-name property, autonamed when absent
	NameMax   int
	LowerName bool     // S3 and ECR names must be lower case
	Scope     string   // property scoping name uniqueness ("" = account-wide)
	Immutable []string // changing one forces replacement; "*" = all but tags
	Defaults  map[string]any
	Check     func(e *Env) []string        // extra input validation: "property: reason"
	Create    func(e *Env) (string, error) // fills computed outputs, returns the id
	Update    func(e *Env) error           // recomputes outputs that change on update
	Remove    func(st *State, r *Record)   // cleans up side state on delete
	// RefuseDelete is AWS refusing a delete (a bucket with objects);
	// nothing is deleted when it returns an error.
	RefuseDelete func(st *State, r *Record) error
	// Latency, when set, is the modeled AWS time of a Create (old is nil)
	// or Update from old to new outputs/inputs, read from the settings it
	// depends on in st; a negative result means the kind's fixed figure
	// (latency.go).
	Latency func(st *State, old, new resource.PropertyMap) time.Duration
}

func (t *TypeSpec) isImmutable(k string) bool {
	for _, m := range t.Immutable {
		if m == k || (m == "*" && k != "tags" && k != "tagsAll") {
			return true
		}
	}
	return false
}

const FixedTime = "2024-01-01T00:00:00Z"

func Now() string { return time.Now().UTC().Format(time.RFC3339) }

var Specs = map[string]*TypeSpec{}

func Register(ts ...*TypeSpec) {
	for _, t := range ts {
		Specs[t.Token] = t
	}
}

// SupportedTypes lists the resource type tokens the sandbox simulates.
func SupportedTypes() []string {
	out := make([]string, 0, len(Specs))
	for k := range Specs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func JSONString(k string, wantArray bool) func(e *Env) []string {
	return func(e *Env) []string {
		s := e.Str(k)
		if s == "" {
			return nil
		}
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return []string{k + ": not valid JSON: " + err.Error()}
		}
		if _, ok := v.([]any); wantArray && !ok {
			return []string{k + ": must be a JSON array"}
		}
		return nil
	}
}
