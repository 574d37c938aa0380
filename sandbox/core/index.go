package core

import "sort"

// Index is a plain-valued view of the account for routing.
type Index map[string][]map[string]any // type -> outputs

func NewIndex(st *State) Index {
	keys := make([]string, 0, len(st.Resources))
	for k := range st.Resources {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic choice among equals
	ix := Index{}
	for _, k := range keys {
		r := st.Resources[k]
		outs, _ := Plain(r.Outputs).(map[string]any)
		if outs == nil {
			outs = map[string]any{}
		}
		outs["id"] = r.ID
		if running, ok := st.Running[r.ID]; ok && r.Type == TokService {
			// After a circuit-breaker rollback the old tasks keep serving.
			outs["taskDefinition"] = running
		}
		ix[r.Type] = append(ix[r.Type], outs)
	}
	return ix
}

// Find returns resources of typ whose prop equals value.
func (ix Index) Find(typ, prop, value string) []map[string]any {
	var out []map[string]any
	for _, o := range ix[typ] {
		if s, _ := o[prop].(string); s == value {
			out = append(out, o)
		}
	}
	return out
}
