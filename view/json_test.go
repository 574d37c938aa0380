package view

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
)

// mapFields hold data keyed by name (counts by op, outputs by key); their
// entries share one shape, written "*".
var mapFields = map[string]bool{"changes": true, "outputs": true}

// leafFields hold arbitrary JSON values whose inside is not schema.
var leafFields = map[string]bool{"old": true, "new": true, "value": true}

// paths lists every field path of a JSON document, e.g.
// "resources[].properties[].path", so two documents can be compared by
// shape rather than by data.
func paths(prefix string, v any, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			last := prefix[strings.LastIndex(prefix, ".")+1:]
			if mapFields[last] {
				p = prefix + ".*"
			}
			out[p] = true
			if !leafFields[k] {
				paths(p, e, out)
			}
		}
	case []any:
		for _, e := range x {
			paths(prefix+"[]", e, out)
		}
	}
}

func shape(t *testing.T, doc []byte) []string {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(doc, &v), string(doc))
	set := map[string]bool{}
	paths("", v, set)
	return sortedKeys(set)
}

// docExamples returns the first ```json block under each "## " heading of
// JSON.md.
func docExamples(t *testing.T) map[string]string {
	t.Helper()
	md, err := os.ReadFile("JSON.md")
	require.NoError(t, err)
	re := regexp.MustCompile("(?s)\n## ([^\n]+)\n.*?```json\n(.*?)```")
	out := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(string(md), -1) {
		out[m[1]] = m[2]
	}
	return out
}

// TestJSONMatchesDoc keeps JSON.md honest: each documented example has
// exactly the fields the view writes.
func TestJSONMatchesDoc(t *testing.T) {
	examples := docExamples(t)
	for section, cmd := range map[string]command{
		"preview / up / refresh / destroy": cmdUp,
		"history":                          cmdHistory,
		"outputs":                          cmdOutputs,
		"stacks":                           cmdStacks,
		"config check":                     cmdConfig,
		"version":                          cmdVersion,
		"releases":                         cmdReleases,
		"journal":                          cmdJournal,
		"status":                           cmdStatus,
		"plan":                             cmdPlan,
		"deployed":                         cmdDeployed,
	} {
		t.Run(section, func(t *testing.T) {
			example, ok := examples[section]
			require.True(t, ok, "JSON.md has no json example under ## %s", section)
			var out bytes.Buffer
			require.NoError(t, cmd(NewJSON(&out, JSONOptions{})))
			assert.Equal(t, shape(t, []byte(example)), shape(t, out.Bytes()))
		})
	}
}

func TestJSONOneIndentedObjectPerCommand(t *testing.T) {
	for _, cmd := range []command{cmdPreview, cmdUp, cmdNoChange, cmdHistory, cmdOutputs, cmdStacks, cmdConfig, cmdVersion} {
		var out bytes.Buffer
		require.NoError(t, cmd(NewJSON(&out, JSONOptions{})))
		dec := json.NewDecoder(&out)
		var doc map[string]any
		require.NoError(t, dec.Decode(&doc))
		assert.False(t, dec.More(), "more than one JSON value written")
		assert.NotContains(t, doc, "kind", "kind is only added in stream mode")
	}
	var out bytes.Buffer
	require.NoError(t, cmdVersion(NewJSON(&out, JSONOptions{})))
	assert.True(t, strings.HasPrefix(out.String(), "{\n  \""), "indented two spaces")
	assert.True(t, strings.HasSuffix(out.String(), "}\n"), "trailing newline")
}

func TestJSONResultFields(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, NewJSON(&out, JSONOptions{}).Result(previewResult()))
	var doc struct {
		Operation  string         `json:"operation"`
		DurationMs int64          `json:"durationMs"`
		HasChanges bool           `json:"hasChanges"`
		Changes    map[string]int `json:"changes"`
		Resources  []struct {
			Op         string `json:"op"`
			Properties []struct {
				Path string `json:"path"`
				Old  any    `json:"old"`
			} `json:"properties"`
		} `json:"resources"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	assert.Equal(t, "preview", doc.Operation)
	assert.Equal(t, int64(1234), doc.DurationMs)
	assert.True(t, doc.HasChanges)
	assert.Equal(t, 40, doc.Changes["same"])
	require.Len(t, doc.Resources, 5)
	assert.Equal(t, "replace", doc.Resources[2].Op)
	assert.Equal(t, "[secret]", doc.Resources[2].Properties[1].Old, "serialized secrets are masked")

	// No changes: the op keys are still there, so scripts need no default.
	out.Reset()
	require.NoError(t, NewJSON(&out, JSONOptions{}).Result(noChangeResult()))
	var empty map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &empty))
	assert.Equal(t, false, empty["hasChanges"])
	assert.Equal(t, map[string]any{"create": 0.0, "update": 0.0, "replace": 0.0, "delete": 0.0, "same": 45.0}, empty["changes"])
	assert.Equal(t, []any{}, empty["resources"])
	assert.Equal(t, map[string]any{}, empty["outputs"])
}

func TestJSONSecretOutput(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, NewJSON(&out, JSONOptions{}).Outputs("staging", fixtureOutputs()))
	var doc struct {
		Outputs map[string]map[string]any `json:"outputs"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
	assert.Equal(t, map[string]any{"value": "[secret]", "secret": true}, doc.Outputs["dbPassword"])
	assert.Equal(t, map[string]any{"value": "https://staging.example.com", "secret": false}, doc.Outputs["url"])
}

func TestJSONStream(t *testing.T) {
	var out bytes.Buffer
	v := NewJSON(&out, JSONOptions{Stream: true})
	v.Notice("dropped")
	events := fixtureEvents()
	for _, e := range events {
		v.Event(e)
	}
	require.NoError(t, v.Result(upResult()))
	require.NoError(t, v.Close())

	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, len(events)+1, "one line per event plus the result")
	for i, line := range lines {
		var doc map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &doc), "line %d", i)
		assert.True(t, strings.HasPrefix(line, `{"kind":`), "kind leads line %d", i)
		if i < len(events) {
			assert.Equal(t, string(events[i].Kind), doc["kind"])
			assert.Contains(t, doc, "time")
			continue
		}
		assert.Equal(t, "result", doc["kind"])
		assert.Equal(t, "up", doc["operation"])
		assert.Contains(t, doc, "durationMs")
	}
	assert.NotContains(t, out.String(), "dropped", "notices never reach stdout")
	assert.NotContains(t, out.String(), "\x1b[", "engine colour codes are stripped")
}

func TestJSONStreamOtherCommands(t *testing.T) {
	for kind, cmd := range map[string]command{"history": cmdHistory, "outputs": cmdOutputs, "stacks": cmdStacks, "configCheck": cmdConfig, "version": cmdVersion} {
		var out bytes.Buffer
		require.NoError(t, cmd(NewJSON(&out, JSONOptions{Stream: true})))
		assert.Equal(t, 1, strings.Count(out.String(), "\n"), kind)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
		assert.Equal(t, kind, doc["kind"])
	}
}

func TestJSONEventsDroppedWithoutStream(t *testing.T) {
	var out bytes.Buffer
	v := NewJSON(&out, JSONOptions{})
	v.Event(deploy.Event{Kind: deploy.EventStepStarted, Op: "create"})
	assert.Empty(t, out.String())
}

func TestPathsShape(t *testing.T) {
	got := shape(t, []byte(`{"a":[{"b":1},{"c":{"x":1}}],"changes":{"create":1,"same":2},"old":{"deep":1}}`))
	want := []string{"a", "a[].b", "a[].c", "a[].c.x", "changes", "changes.*", "old"}
	sort.Strings(want)
	assert.Equal(t, want, got)
}
