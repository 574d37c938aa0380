package cloudfront

import (
	"fmt"
	"strings"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
)

// putKey records a key write of a KeyValueStore (by ARN). Writes older
// than the newest visible one are dropped: no edge can see them any more.
// Writes reach the edges after a propagation delay, not at once
// (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/kvs-with-functions.html).
func putKey(st *core.State, storeARN, key, value string, deleted bool) {
	if st.KVS == nil {
		st.KVS = map[string]map[string][]core.KVSWrite{}
	}
	if st.KVS[storeARN] == nil {
		st.KVS[storeARN] = map[string][]core.KVSWrite{}
	}
	now := time.Now()
	ws := append(st.KVS[storeARN][key], core.KVSWrite{Value: value, Deleted: deleted,
		At: core.Stamp(now), Visible: core.Stamp(now.Add(core.Scaled(core.KVSPropagationTime)))})
	for len(ws) > 1 && !core.ParseStamp(ws[1].Visible).After(now) {
		ws = ws[1:]
	}
	st.KVS[storeARN][key] = ws
}

// EdgeValue is the value a function reads at an edge now: the newest
// write that has propagated. ok is false for a key no edge has yet.
func EdgeValue(st *core.State, storeARN, key string, now time.Time) (value string, ok bool) {
	for _, w := range st.KVS[storeARN][key] {
		if core.ParseStamp(w.Visible).After(now) {
			break
		}
		value, ok = w.Value, !w.Deleted
	}
	return value, ok
}

// kvsKeyID is the provider's id of a key: "<store ARN>,<key>".
func kvsKeyID(storeARN, key string) string { return storeARN + "," + key }

func createKVSKey(e *core.Env) (string, error) {
	storeARN, key := e.Str("keyValueStoreArn"), e.Str("key")
	if findByARN(e.St, core.TokKeyValueStore, storeARN) == nil {
		return "", fmt.Errorf("ResourceNotFoundException: key value store %s does not exist", storeARN)
	}
	if len(e.Str("value")) > 1024 {
		return "", fmt.Errorf("ValidationException: value of key %q is longer than 1 KB", key)
	}
	putKey(e.St, storeARN, key, e.Str("value"), false)
	e.Put("totalSizeInBytes", float64(len(key)+len(e.Str("value"))))
	return kvsKeyID(storeARN, key), nil
}

func updateKVSKey(e *core.Env) error {
	putKey(e.St, e.Str("keyValueStoreArn"), e.Str("key"), e.Str("value"), false)
	e.Put("totalSizeInBytes", float64(len(e.Str("key"))+len(e.Str("value"))))
	return nil
}

func removeKVSKey(st *core.State, r *core.Record) {
	storeARN, key, _ := strings.Cut(r.ID, ",")
	putKey(st, storeARN, key, "", true)
}

// findByARN finds a resource of typ by its arn output.
func findByARN(st *core.State, typ, arn string) *core.Record {
	for _, r := range st.Resources {
		if r.Type == typ && core.Plain(r.Outputs["arn"]) == arn {
			return r
		}
	}
	return nil
}
