package ecs

import (
	"fmt"

	"github.com/kirikae/kirikae/sandbox/core"
)

// Register adds the ecs resource types to the provider's registry.
func Register() {
	core.Register(
		&core.TypeSpec{Token: "aws:ecs/cluster:Cluster", Name: "name", NameMax: 255, Immutable: []string{"name"},
			Create: func(e *core.Env) (string, error) {
				arn := e.Arn("ecs", e.Region, "cluster/"+e.Name())
				e.Put("arn", arn)
				return arn, nil
			}},
		&core.TypeSpec{Token: "aws:ecs/taskDefinition:TaskDefinition", Required: []string{"family", "containerDefinitions"},
			Immutable: []string{"*"}, Defaults: map[string]any{"skipDestroy": false},
			Check:  core.JSONString("containerDefinitions", true),
			Create: createTaskDefinition},
		&core.TypeSpec{Token: "aws:ecs/service:Service", Name: "name", NameMax: 255, Scope: "cluster",
			Immutable: []string{"name", "cluster", "launchType", "schedulingStrategy"},
			Defaults:  map[string]any{"desiredCount": 0.0, "schedulingStrategy": "REPLICA"},
			Create: func(e *core.Env) (string, error) {
				e.PutDefault("cluster", e.Arn("ecs", e.Region, "cluster/default"))
				return e.Arn("ecs", e.Region, "service/"+core.LastSegment(e.Str("cluster"), "/")+"/"+e.Name()), nil
			},
			Update: updateService, Remove: removeService, Latency: steadyState},
	)
}

// createTaskDefinition registers a new revision: AWS never edits a task
// definition, it counts revisions per family, even across deletions.
func createTaskDefinition(e *core.Env) (string, error) {
	family := e.Str("family")
	rev := e.St.TaskRevisions[family] + 1
	e.St.TaskRevisions[family] = rev
	base := e.Arn("ecs", e.Region, "task-definition/"+family)
	e.Put("revision", float64(rev))
	e.Put("arnWithoutRevision", base)
	e.Put("arn", fmt.Sprintf("%s:%d", base, rev))
	return family, nil
}
