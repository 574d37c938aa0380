package deploy

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kirikae/kirikae/engine"
	"github.com/kirikae/kirikae/stacks"
)

// Which resource types a rollback changes is decided from the release
// values alone; anything beyond a switch needs the engine's preview.
func TestSwitchOnlyTypes(t *testing.T) {
	v1, v2, v3 := Image{Tag: "v1", Digest: "sha256:1"}, Image{Tag: "v2", Digest: "sha256:2"}, Image{Tag: "v3"}
	live := Values{Image: v2, ActiveColor: stacks.ColorGreen, IdleImage: v1, FrontendRelease: "r2",
		Lambda: Lambda{Version: "3", Artifact: "dist/lambda.zip"}}
	set := func(ts ...string) map[string]bool {
		m := map[string]bool{}
		for _, t := range ts {
			m[t] = true
		}
		return m
	}
	flip := live
	flip.ActiveColor, flip.Image, flip.IdleImage = stacks.ColorBlue, v1, v2
	stage := live
	stage.ActiveColor, stage.Image, stage.IdleImage = stacks.ColorBlue, v3, v2
	alias := live
	alias.Lambda.Version = "2"
	artifact := live
	artifact.Lambda.Artifact, artifact.Lambda.Version = "dist/old.zip", ""
	front := live
	front.FrontendRelease = "r1"
	noFront := live
	noFront.FrontendRelease = ""
	schema := flip
	schema.Schema = "7"
	for _, c := range []struct {
		name     string
		backend  string
		want     Values
		deployed bool
		types    map[string]bool
		ok       bool
	}{
		{"ecs flip to the warm colour", stacks.BackendECS, flip, true, set(typeListener), true},
		{"ecs image the idle colour lacks", stacks.BackendECS, stage, true, set(typeListener, typeTaskDefinition, typeService), true},
		{"ecs flip and frontend", stacks.BackendECS, func() Values { v := flip; v.FrontendRelease = "r1"; return v }(), true, set(typeListener, typeKVSKey), true},
		{"schema is never applied", stacks.BackendECS, schema, true, set(typeListener), true},
		{"lambda alias", stacks.BackendLambda, alias, true, set(typeAlias), true},
		{"lambda artifact publishes", stacks.BackendLambda, artifact, true, nil, false},
		{"frontend key changes", stacks.BackendLambda, front, true, set(typeKVSKey), true},
		{"frontend key deleted", stacks.BackendLambda, noFront, true, nil, false},
		{"ecs values on a lambda stack", stacks.BackendLambda, flip, true, nil, false},
		{"never deployed", stacks.BackendECS, flip, false, nil, false},
	} {
		types, ok := switchOnly(c.backend, live, c.want, c.deployed)
		assert.Equal(t, c.ok, ok, c.name)
		if c.ok {
			assert.Equal(t, c.types, types, c.name)
		}
	}
}

func TestTargetsOfNeedsEveryType(t *testing.T) {
	res := []engine.StateResource{
		{URN: "urn:l1", Type: typeListener}, {URN: "urn:l2", Type: typeListener},
		{URN: "urn:b", Type: "aws:s3/bucket:Bucket"},
	}
	targets, ok := targetsOf("urn:stack", res, map[string]bool{typeListener: true})
	assert.True(t, ok)
	assert.Equal(t, []string{"urn:stack", "urn:l1", "urn:l2"}, targets)
	_, ok = targetsOf("urn:stack", res, map[string]bool{typeListener: true, typeAlias: true})
	assert.False(t, ok, "a switch resource missing from state would be created: preview it")
}
