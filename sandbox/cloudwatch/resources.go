package cloudwatch

import (
	"github.com/kirikae/kirikae/sandbox/core"
)

// Register adds the cloudwatch resource types to the provider's registry.
func Register() {
	core.Register(
		&core.TypeSpec{Token: "aws:cloudwatch/metricAlarm:MetricAlarm", Required: []string{"comparisonOperator", "evaluationPeriods"},
			Name: "name", NameMax: 255, Immutable: []string{"name"},
			Defaults: map[string]any{"actionsEnabled": true, "treatMissingData": "missing"},
			Create: func(e *core.Env) (string, error) {
				e.Put("arn", e.Arn("cloudwatch", e.Region, "alarm:"+e.Name()))
				return e.Name(), nil
			}},
	)
}
