package engine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The root stack's outputs are read from one export: plain values as they
// are, secrets (still encrypted there) masked and marked, and a root stack
// pending delete ignored.
func TestRootOutputsFromAnExport(t *testing.T) {
	dep := []byte(`{"resources":[
	  {"urn":"urn:pulumi:s::p::pulumi:pulumi:Stack::p-s","type":"pulumi:pulumi:Stack","delete":true,"outputs":{"imageTag":"old"}},
	  {"urn":"urn:pulumi:s::p::pulumi:pulumi:Stack::p-s","type":"pulumi:pulumi:Stack","outputs":{
	    "imageTag":"v2","count":3,
	    "token":{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","ciphertext":"AAAA"}}},
	  {"urn":"urn:pulumi:s::p::aws:s3/bucket:Bucket::b","type":"aws:s3/bucket:Bucket","outputs":{"imageTag":"not-root"}}]}`)
	out, err := rootOutputs(dep)
	require.NoError(t, err)
	assert.Equal(t, "v2", out["imageTag"].Value)
	assert.False(t, out["imageTag"].Secret)
	assert.Equal(t, float64(3), out["count"].Value)
	assert.Equal(t, "[secret]", out["token"].Value)
	assert.True(t, out["token"].Secret)
	assert.Len(t, out, 3)
}

// An update's outputs come from its events, where the engine masks secrets.
func TestEventOutputsMarkMaskedSecrets(t *testing.T) {
	out := eventOutputs(map[string]any{"url": "http://x", "key": "[secret]"})
	assert.Equal(t, Output{Value: "http://x"}, out["url"])
	assert.Equal(t, Output{Value: "[secret]", Secret: true}, out["key"])
}

// The root stack's ResOutputsEvent is kept by the collector.
func TestCollectorKeepsTheRootStacksOutputs(t *testing.T) {
	c := newCollector(nil)
	c.handle(resOutputs("pulumi:pulumi:Stack", map[string]any{"imageTag": "v3"}))
	c.handle(resOutputs("aws:s3/bucket:Bucket", map[string]any{"imageTag": "bucket"}))
	assert.Equal(t, map[string]any{"imageTag": "v3"}, c.rootOutputs)
}

// A file backend's stack is found where this CLI writes it, so opening an
// existing stack runs no process.
func TestFileStackExists(t *testing.T) {
	dir := t.TempDir()
	assert.False(t, fileStackExists(dir, "kirikae", "staging"))
	p := filepath.Join(dir, ".pulumi", "stacks", "kirikae", "staging.json.gz")
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
	require.NoError(t, os.WriteFile(p, nil, 0o600))
	assert.True(t, fileStackExists(dir, "kirikae", "staging"))
	assert.False(t, fileStackExists(dir, "kirikae", "product"))
	assert.False(t, fileStackExists(dir, "other", "staging"))
}

func resOutputs(typ string, outs map[string]any) apitype.EngineEvent {
	return apitype.EngineEvent{ResOutputsEvent: &apitype.ResOutputsEvent{Metadata: apitype.StepEventMetadata{
		Op: apitype.OpSame, URN: "urn:pulumi:s::p::" + typ + "::n", Type: typ,
		New: &apitype.StepEventStateMetadata{Type: typ, Outputs: outs},
	}}}
}
