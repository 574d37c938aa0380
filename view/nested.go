package view

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/kirikae/kirikae/deploy"
)

// maxLeaves caps the changed leaves shown for one property.
const maxLeaves = 20

// expandChanges turns property changes into the leaves that actually
// differ. The engine reports the whole top-level value of a property
// ("defaultActions", "containerDefinitions"), so a reviewer would otherwise
// read two long values cut at the same prefix; this shows
// "defaultActions[0].forward.targetGroups[1].weight: 0 → 100" and
// "containerDefinitions[0].image: "repo:v1" → "repo:v2"" instead. JSON held
// in a string (task definitions' containerDefinitions, policies) is opened
// too. Changes with scalar values pass through unchanged.
func expandChanges(props []deploy.PropertyChange) []deploy.PropertyChange {
	out := make([]deploy.PropertyChange, 0, len(props))
	done := map[string]bool{}
	for _, p := range props {
		top := topKey(p.Path)
		if done[top] {
			continue // another nested path of a value already expanded
		}
		leaves := leafChanges(top, mask(p.Old), mask(p.New))
		if len(leaves) == 0 || (len(leaves) == 1 && leaves[0].Path == top) {
			out = append(out, p)
			continue
		}
		done[top] = true
		_, forces := strings.CutSuffix(p.Kind, "-replace")
		for i, l := range leaves {
			if i == maxLeaves {
				out = append(out, deploy.PropertyChange{Path: fmt.Sprintf("%s (%d more changes)", top, len(leaves)-i), Kind: "update"})
				break
			}
			if forces {
				l.Kind += "-replace"
			}
			out = append(out, l)
		}
	}
	return out
}

// topKey is the top-level property of a path: "tags.Name" → "tags".
func topKey(path string) string {
	if i := strings.IndexAny(path, ".["); i > 0 {
		return path[:i]
	}
	return path
}

// leafChanges lists where old and new differ, below path.
func leafChanges(path string, old, new any) []deploy.PropertyChange {
	old, new = openJSON(old), openJSON(new)
	switch {
	case old == nil && new == nil:
		return nil
	case old == nil:
		return []deploy.PropertyChange{{Path: path, Kind: "add", New: new}}
	case new == nil:
		return []deploy.PropertyChange{{Path: path, Kind: "delete", Old: old}}
	}
	om, ok1 := old.(map[string]any)
	nm, ok2 := new.(map[string]any)
	if ok1 && ok2 {
		keys := map[string]bool{}
		for k := range om {
			keys[k] = true
		}
		for k := range nm {
			keys[k] = true
		}
		names := make([]string, 0, len(keys))
		for k := range keys {
			names = append(names, k)
		}
		sort.Strings(names)
		var out []deploy.PropertyChange
		for _, k := range names {
			out = append(out, leafChanges(path+"."+k, om[k], nm[k])...)
		}
		return out
	}
	ol, ok1 := old.([]any)
	nl, ok2 := new.([]any)
	if ok1 && ok2 {
		var out []deploy.PropertyChange
		for i := range max(len(ol), len(nl)) {
			var o, n any
			if i < len(ol) {
				o = ol[i]
			}
			if i < len(nl) {
				n = nl[i]
			}
			out = append(out, leafChanges(fmt.Sprintf("%s[%d]", path, i), o, n)...)
		}
		return out
	}
	if reflect.DeepEqual(old, new) {
		return nil
	}
	return []deploy.PropertyChange{{Path: path, Kind: "update", Old: old, New: new}}
}

// openJSON decodes a string holding a JSON object or array; anything else
// is returned as is.
func openJSON(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "[") {
		return v
	}
	var out any
	if err := json.Unmarshal([]byte(t), &out); err != nil {
		return v
	}
	return out
}
