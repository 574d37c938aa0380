package deploy

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestUnknownValuesReadAsKnownAfterApply(t *testing.T) {
	in := map[string]any{"taskDefinition": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
		"tags": map[string]any{"a": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}, "list": []any{"x"}}
	assert.Equal(t, Unknown, lookup(in, "taskDefinition"))
	assert.Equal(t, map[string]any{"a": Unknown}, lookup(in, "tags.a"))
	assert.Equal(t, []any{"x"}, lookup(in, "list[0]"))
}
