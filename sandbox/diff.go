package sandbox

import (
	"context"

	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

type propDiff struct {
	key     string
	kind    pulumirpc.PropertyDiff_Kind
	replace bool
}

// diffProps compares new inputs with the resource's current state. Keys come
// from the inputs only, so defaults and computed outputs never show up as
// changes; drifted values do, because olds are the actual state.
func diffProps(spec *typeSpec, olds, news, oldIn resource.PropertyMap, ignore map[string]bool) []propDiff {
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
		hasNew := present(news, k)
		old, hasOld := olds[key], present(olds, k)
		if !hasOld {
			old, hasOld = oldIn[key], present(oldIn, k)
		}
		switch {
		case !hasNew && !hasOld:
			continue
		case hasNew && hasOld && sameValue(news[key], old):
			continue
		case !hasNew && spec.defaults[k] != nil && sameValue(resource.NewPropertyValue(spec.defaults[k]), old):
			continue // removing an input that equals the default changes nothing
		}
		d := propDiff{key: k, kind: pulumirpc.PropertyDiff_UPDATE, replace: spec.isImmutable(k)}
		if !hasOld {
			d.kind = pulumirpc.PropertyDiff_ADD
		} else if !hasNew {
			d.kind = pulumirpc.PropertyDiff_DELETE
		}
		if d.replace {
			d.kind += pulumirpc.PropertyDiff_ADD_REPLACE - pulumirpc.PropertyDiff_ADD
		}
		out = append(out, d)
	}
	return out
}

// ignoreSet keeps the top-level names of ignoreChanges paths.
func ignoreSet(paths []string) map[string]bool {
	out := map[string]bool{}
	for _, p := range paths {
		if i := strings.IndexAny(p, ".["); i >= 0 {
			p = p[:i]
		}
		out[p] = true
	}
	return out
}

func (p *provider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	t, err := lookup(typeOf(req.GetType(), req.GetUrn()))
	if err != nil {
		return nil, err
	}
	olds, news, err := unmarshalOldsNews(req)
	if err != nil {
		return nil, err
	}
	oldIn, err := unmarshalProps(req.GetOldInputs(), "oldInputs")
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.DiffResponse{
		Changes:         pulumirpc.DiffResponse_DIFF_NONE,
		DetailedDiff:    map[string]*pulumirpc.PropertyDiff{},
		HasDetailedDiff: true,
	}
	for _, d := range diffProps(t, olds, news, oldIn, ignoreSet(req.GetIgnoreChanges())) {
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
		resp.Diffs = append(resp.Diffs, d.key)
		resp.DetailedDiff[d.key] = &pulumirpc.PropertyDiff{Kind: d.kind, InputDiff: true}
		if d.replace {
			resp.Replaces = append(resp.Replaces, d.key)
		}
	}
	return resp, nil
}
