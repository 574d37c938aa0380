package sandbox

import (
	"fmt"
	"strings"
	"time"
)

// kvsWrite is one put or delete of a KeyValueStore key, kept until every
// edge has it so the front door can serve what an edge would still see.
type kvsWrite struct {
	Value   string `json:"value"`
	Deleted bool   `json:"deleted,omitempty"`
	At      string `json:"at"`      // when the API accepted it
	Visible string `json:"visible"` // when the edges serve it
}

// putKey records a key write of a KeyValueStore (by ARN). Writes older
// than the newest visible one are dropped: no edge can see them any more.
func (st *state) putKey(storeARN, key, value string, deleted bool) {
	if st.KVS == nil {
		st.KVS = map[string]map[string][]kvsWrite{}
	}
	if st.KVS[storeARN] == nil {
		st.KVS[storeARN] = map[string][]kvsWrite{}
	}
	now := time.Now()
	ws := append(st.KVS[storeARN][key], kvsWrite{Value: value, Deleted: deleted,
		At: stamp(now), Visible: stamp(now.Add(scaled(kvsPropagation)))})
	for len(ws) > 1 && !parseStamp(ws[1].Visible).After(now) {
		ws = ws[1:]
	}
	st.KVS[storeARN][key] = ws
}

// edgeValue is the value a function reads at an edge now: the newest
// write that has propagated. ok is false for a key no edge has yet.
func (st *state) edgeValue(storeARN, key string, now time.Time) (value string, ok bool) {
	for _, w := range st.KVS[storeARN][key] {
		if parseStamp(w.Visible).After(now) {
			break
		}
		value, ok = w.Value, !w.Deleted
	}
	return value, ok
}

// kvsKeyID is the provider's id of a key: "<store ARN>,<key>".
func kvsKeyID(storeARN, key string) string { return storeARN + "," + key }

func createKVSKey(e *env) (string, error) {
	storeARN, key := e.str("keyValueStoreArn"), e.str("key")
	if findByARN(e.st, tokKeyValueStore, storeARN) == nil {
		return "", fmt.Errorf("ResourceNotFoundException: key value store %s does not exist", storeARN)
	}
	if len(e.str("value")) > 1024 {
		return "", fmt.Errorf("ValidationException: value of key %q is longer than 1 KB", key)
	}
	e.st.putKey(storeARN, key, e.str("value"), false)
	e.put("totalSizeInBytes", float64(len(key)+len(e.str("value"))))
	return kvsKeyID(storeARN, key), nil
}

func updateKVSKey(e *env) error {
	e.st.putKey(e.str("keyValueStoreArn"), e.str("key"), e.str("value"), false)
	e.put("totalSizeInBytes", float64(len(e.str("key"))+len(e.str("value"))))
	return nil
}

func removeKVSKey(st *state, r *record) {
	storeARN, key, _ := strings.Cut(r.ID, ",")
	st.putKey(storeARN, key, "", true)
}

// findByARN finds a resource of typ by its arn output.
func findByARN(st *state, typ, arn string) *record {
	for _, r := range st.Resources {
		if r.Type == typ && plain(r.Outputs["arn"]) == arn {
			return r
		}
	}
	return nil
}
