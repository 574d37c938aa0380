package infra

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kirikae/kirikae/stacks"
)

// `kirikae logs` reads the group the program creates, and the colour's
// streams the task definitions name.
func TestLogGroupNameIsTheProgramsGroup(t *testing.T) {
	for _, backend := range []string{stacks.BackendECS, stacks.BackendLambda} {
		cfg := testConfig(backend)
		m := run(t, cfg)
		assert.Equal(t, LogGroupName(cfg), str(t, m.one(t, "aws:cloudwatch/logGroup:LogGroup", "logs").Inputs, "name"), backend)
	}
	cfg := testConfig(stacks.BackendECS)
	m := run(t, cfg)
	for _, color := range []string{stacks.ColorBlue, stacks.ColorGreen} {
		opts := container(t, m, color)["logConfiguration"].(map[string]any)["options"].(map[string]any)
		assert.Equal(t, LogStreamPrefix(color), opts["awslogs-stream-prefix"].(string)+"/")
	}
}
