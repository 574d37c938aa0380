package core

import (
	"sort"
	"strings"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

type propDiff struct {
	Key     string
	Kind    pulumirpc.PropertyDiff_Kind
	Replace bool
}

// DiffProps compares new inputs with the resource's current state. Keys come
// from the inputs only, so defaults and computed outputs never show up as
// changes; drifted values do, because olds are the actual state.
func DiffProps(spec *TypeSpec, olds, news, oldIn resource.PropertyMap, ignore map[string]bool) []propDiff {
	keys := map[string]bool{}
	for k := range news {
		keys[string(k)] = true
	}
	for k := range oldIn {
		keys[string(k)] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)

	var out []propDiff
	for _, k := range sorted {
		if ignore[k] || strings.HasPrefix(k, "__") {
			continue
		}
		key := resource.PropertyKey(k)
		hasNew := Present(news, k)
		old, hasOld := olds[key], Present(olds, k)
		if !hasOld {
			old, hasOld = oldIn[key], Present(oldIn, k)
		}
		switch {
		case !hasNew && !hasOld:
			continue
		case hasNew && hasOld && SameValue(news[key], old):
			continue
		case !hasNew && spec.Defaults[k] != nil && SameValue(resource.NewPropertyValue(spec.Defaults[k]), old):
			continue // removing an input that equals the default changes nothing
		}
		d := propDiff{Key: k, Kind: pulumirpc.PropertyDiff_UPDATE, Replace: spec.isImmutable(k)}
		if !hasOld {
			d.Kind = pulumirpc.PropertyDiff_ADD
		} else if !hasNew {
			d.Kind = pulumirpc.PropertyDiff_DELETE
		}
		if d.Replace {
			d.Kind += pulumirpc.PropertyDiff_ADD_REPLACE - pulumirpc.PropertyDiff_ADD
		}
		out = append(out, d)
	}
	return out
}

// IgnoreSet keeps the top-level names of ignoreChanges paths.
func IgnoreSet(paths []string) map[string]bool {
	out := map[string]bool{}
	for _, p := range paths {
		if i := strings.IndexAny(p, ".["); i >= 0 {
			p = p[:i]
		}
		out[p] = true
	}
	return out
}
