package core

import "sort"

// Read helpers over an Index entry (a resource's plain outputs), for the
// services' Describe/List/Get answers.

// BoolOf is m[k] as a bool (false when absent).
func BoolOf(m map[string]any, k string) bool {
	b, _ := m[k].(bool)
	return b
}

// IntOf is m[k] as an int (0 when absent).
func IntOf(m map[string]any, k string) int {
	f, _ := m[k].(float64)
	return int(f)
}

// ListOfStrings is m[k] as a list of strings.
func ListOfStrings(m map[string]any, k string) []string {
	var out []string
	for _, v := range ListOf(m[k]) {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// MapsOf is m[k] as a list of objects.
func MapsOf(m map[string]any, k string) []map[string]any {
	var out []map[string]any
	for _, v := range ListOf(m[k]) {
		if o, ok := v.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

// TagsOf is the resource's tags, sorted by key.
func TagsOf(m map[string]any) []Tag {
	tags, _ := m["tags"].(map[string]any)
	out := make([]Tag, 0, len(tags))
	for k, v := range tags {
		s, _ := v.(string)
		out = append(out, Tag{Key: k, Value: s})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Filter keeps the entries whose prop is one of want; no want keeps all.
func Filter(entries []map[string]any, prop string, want []string) []map[string]any {
	if len(want) == 0 {
		return entries
	}
	var out []map[string]any
	for _, e := range entries {
		for _, w := range want {
			if StrOf(e, prop) == w {
				out = append(out, e)
				break
			}
		}
	}
	return out
}
