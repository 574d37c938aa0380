package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/kirikae/kirikae/backend"
	"github.com/kirikae/kirikae/backend/backendtest"
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
	exists := func(project, stack string) bool {
		ok, known := stackExists(t.Context(), dirFiles(t, dir), project, stack)
		require.True(t, known)
		return ok
	}
	assert.False(t, exists("kirikae", "staging"))
	p := filepath.Join(dir, ".pulumi", "stacks", "kirikae", "staging.json.gz")
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
	require.NoError(t, os.WriteFile(p, nil, 0o600))
	assert.True(t, exists("kirikae", "staging"))
	assert.False(t, exists("kirikae", "product"))
	assert.False(t, exists("other", "staging"))
	_, known := stackExists(t.Context(), nil, "kirikae", "staging")
	assert.False(t, known, "a backend kirikae cannot read")
}

func resOutputs(typ string, outs map[string]any) apitype.EngineEvent {
	return apitype.EngineEvent{ResOutputsEvent: &apitype.ResOutputsEvent{Metadata: apitype.StepEventMetadata{
		Op: apitype.OpSame, URN: "urn:pulumi:s::p::" + typ + "::n", Type: typ,
		New: &apitype.StepEventStateMetadata{Type: typ, Outputs: outs},
	}}}
}

// A file backend's state is read where the CLI keeps it, only when it is
// the schema this CLI writes; anything else falls back to the CLI.
func TestReadStateFromAFileBackend(t *testing.T) {
	dir := t.TempDir()
	w := &quietWorkspace{files: dirFiles(t, dir), project: "kirikae"}
	_, ok := w.readState(t.Context(), "staging")
	assert.False(t, ok, "no state file")

	p := filepath.Join(dir, ".pulumi", "stacks", "kirikae", "staging.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
	write := func(body string) { require.NoError(t, os.WriteFile(p, []byte(body), 0o600)) }
	write(`{"version":3,"checkpoint":{"stack":"staging","latest":{"resources":[
	  {"urn":"urn:pulumi:staging::kirikae::pulumi:pulumi:Stack::kirikae-staging","type":"pulumi:pulumi:Stack","outputs":{"imageTag":"v7"}}]}}}`)
	dep, ok := w.readState(t.Context(), "staging")
	require.True(t, ok)
	out, err := rootOutputs(dep)
	require.NoError(t, err)
	assert.Equal(t, "v7", out["imageTag"].Value)

	write(`{"version":4,"checkpoint":{"latest":{"resources":[]}}}`)
	_, ok = w.readState(t.Context(), "staging")
	assert.False(t, ok, "another schema version")
	write(`{"version":3,`)
	_, ok = w.readState(t.Context(), "staging")
	assert.False(t, ok, "a damaged file is the CLI's to report")

	_, ok = (&quietWorkspace{project: "kirikae"}).readState(t.Context(), "staging")
	assert.False(t, ok, "not a file backend")
}

// The newest update's result comes from the newest history file, ordered
// by its nanosecond stamp.
func TestLastResultReadsTheNewestHistoryFile(t *testing.T) {
	dir := t.TempDir()
	w := &quietWorkspace{files: dirFiles(t, dir), project: "kirikae"}
	_, ok := w.lastResult(t.Context(), "staging")
	assert.False(t, ok)
	h := filepath.Join(dir, ".pulumi", "history", "kirikae", "staging")
	require.NoError(t, os.MkdirAll(h, 0o700))
	for name, result := range map[string]string{
		"staging-1795635687767237365": "failed",
		"staging-1795635680000000000": "succeeded",
		"staging-995635687767237365":  "succeeded", // fewer digits: older
	} {
		require.NoError(t, os.WriteFile(filepath.Join(h, name+".history.json"), []byte(`{"kind":"update","result":"`+result+`"}`), 0o600))
	}
	r, ok := w.lastResult(t.Context(), "staging")
	require.True(t, ok)
	assert.Equal(t, "failed", r)
}

// dirFiles is the key space of the file backend in dir.
func dirFiles(t *testing.T, dir string) backend.Store {
	t.Helper()
	files, err := backend.OpenFiles(t.Context(), "file://"+dir)
	require.NoError(t, err)
	return files
}

// An s3:// backend's state is read the same way, with one GET under the
// backend's prefix, and the newest update's result from its history.
func TestReadStateFromAnS3Backend(t *testing.T) {
	_, client := backendtest.S3(t)
	files := backend.NewS3Files(client, backendtest.Bucket, backendtest.Prefix)
	put := func(key, body string) {
		_, err := client.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(backendtest.Bucket),
			Key: aws.String(backendtest.Prefix + "/" + key), Body: strings.NewReader(body)})
		require.NoError(t, err)
	}
	w := &quietWorkspace{files: files, project: "kirikae"}
	_, ok := w.readState(t.Context(), "staging")
	assert.False(t, ok, "no state yet")
	exists, known := stackExists(t.Context(), files, "kirikae", "staging")
	assert.True(t, known)
	assert.False(t, exists)

	put(".pulumi/stacks/kirikae/staging.json", `{"version":3,"checkpoint":{"stack":"staging","latest":{"resources":[
	  {"urn":"urn:pulumi:staging::kirikae::pulumi:pulumi:Stack::kirikae-staging","type":"pulumi:pulumi:Stack","outputs":{"imageTag":"v9"}}]}}}`)
	dep, ok := w.readState(t.Context(), "staging")
	require.True(t, ok)
	out, err := rootOutputs(dep)
	require.NoError(t, err)
	assert.Equal(t, "v9", out["imageTag"].Value)
	exists, _ = stackExists(t.Context(), files, "kirikae", "staging")
	assert.True(t, exists)

	put(".pulumi/history/kirikae/staging/staging-1700000000000000000.history.json", `{"result":"failed"}`)
	put(".pulumi/history/kirikae/staging/staging-1700000000000000000.checkpoint.json", `{}`)
	put(".pulumi/history/kirikae/staging/staging-1800000000000000000.history.json", `{"result":"succeeded"}`)
	put(".pulumi/history/kirikae/staging/staging-1800000000000000000.checkpoint.json", `{}`)
	res, ok := w.lastResult(t.Context(), "staging")
	require.True(t, ok)
	assert.Equal(t, "succeeded", res)
}
