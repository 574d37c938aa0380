package logs

import (
	"github.com/kirikae/kirikae/sandbox/core"
)

// Register adds the logs resource types to the provider's registry.
func Register() {
	core.Register(
		&core.TypeSpec{Token: "aws:cloudwatch/logGroup:LogGroup", Name: "name", NameMax: 512,
			Immutable: []string{"name", "namePrefix"},
			Defaults:  map[string]any{"retentionInDays": 0.0, "skipDestroy": false, "logGroupClass": "STANDARD"},
			Create: func(e *core.Env) (string, error) {
				e.Put("arn", e.Arn("logs", e.Region, "log-group:"+e.Name()))
				return e.Name(), nil
			}},
	)
}
