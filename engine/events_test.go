package engine

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
)

func TestUnknownValuesReadAsKnownAfterApply(t *testing.T) {
	in := map[string]any{"taskDefinition": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
		"tags": map[string]any{"a": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}, "list": []any{"x"}}
	assert.Equal(t, Unknown, lookup(in, "taskDefinition"))
	assert.Equal(t, map[string]any{"a": Unknown}, lookup(in, "tags.a"))
	assert.Equal(t, []any{"x"}, lookup(in, "list[0]"))
}

// A first deploy of one bucket: the engine also creates the root stack and
// the provider, and its summary counts the stack. kirikae counts only the
// bucket, in the summary and in the resource list alike.
func TestCountsLeaveOutTheStackAndProviders(t *testing.T) {
	c := newCollector(nil)
	pre := func(typ, urn string, op apitype.OpType) apitype.EngineEvent {
		return apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{
			Metadata: apitype.StepEventMetadata{Op: op, URN: urn, Type: typ}}}
	}
	c.handle(pre("pulumi:pulumi:Stack", "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s", apitype.OpCreate))
	c.handle(pre("pulumi:providers:aws", "urn:pulumi:s::p::pulumi:providers:aws::default_6_83_4", apitype.OpCreate))
	c.handle(pre("aws:s3/bucketV2:BucketV2", "urn:pulumi:s::p::aws:s3/bucketV2:BucketV2::b", apitype.OpCreate))
	c.handle(apitype.EngineEvent{SummaryEvent: &apitype.SummaryEvent{
		ResourceChanges: map[apitype.OpType]int{apitype.OpCreate: 2}}})
	assert.Equal(t, map[string]int{"create": 1}, c.changes)
	assert.Len(t, c.resources, 1)

	n, err := managedCount([]byte(`{"resources":[{"type":"pulumi:pulumi:Stack"},{"type":"pulumi:providers:aws"},{"type":"aws:s3/bucketV2:BucketV2"}]}`))
	assert.NoError(t, err)
	assert.Equal(t, 1, n)
}

func TestPhaseEventsNameThePhase(t *testing.T) {
	var got []Event
	s := &Session{opts: Options{OnEvent: func(e Event) { got = append(got, e) }}}
	s.Phase("upload: frontend %s from %s", "r2", "web/dist")
	s.Phase("verify: api ok (v2)")
	assert.Equal(t, "upload", got[0].Phase)
	assert.Equal(t, "upload: frontend r2 from web/dist", got[0].Message)
	assert.Equal(t, "verify", got[1].Phase)
}

// History counts the program's resources, like plans and summaries: the
// root stack is taken out of Pulumi's counts where it was created, kept and
// deleted.
func TestHistoryCountsWithoutTheRootStack(t *testing.T) {
	hist := []Update{ // newest first
		{Version: 4, Kind: "update", Changes: map[string]int{OpCreate: 47}},
		{Version: 3, Kind: "destroy", Changes: map[string]int{OpDelete: 47}},
		{Version: 2, Kind: "update", Changes: map[string]int{OpUpdate: 2, OpSame: 45}},
		{Version: 1, Kind: "update", Changes: map[string]int{OpCreate: 47}},
	}
	withoutRootStack(hist)
	assert.Equal(t, 46, hist[3].Changes[OpCreate])
	assert.Equal(t, 44, hist[2].Changes[OpSame])
	assert.Equal(t, 2, hist[2].Changes[OpUpdate])
	assert.Equal(t, 46, hist[1].Changes[OpDelete])
	assert.Equal(t, 46, hist[0].Changes[OpCreate])
}
