package workload

import (
	"context"
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecs"
)

// Settle runs after the provider stored a resource. For an ECS service it
// starts the service's tasks and, with waitForSteadyState (as infra sets
// it), waits like pulumi-aws does until the deployment completed or the
// deployment circuit breaker rolled it back.
// https://www.pulumi.com/registry/packages/aws/api-docs/ecs/service/#waitforsteadystate_go
func Settle(a *core.Account, ctx context.Context, typ, id string, out resource.PropertyMap) error {
	if typ == core.FunctionType {
		return storeFunctionCode(a, out)
	}
	if typ != core.TokService {
		return nil
	}
	var td string
	var rolledBack bool
	err := a.View(func(st *core.State) error {
		td = ecs.TaskDefinitionARN(core.NewIndex(st), core.Str(out, "taskDefinition"))
		running, ok := st.Running[id]
		rolledBack = ok && running != td // SimulateCircuitBreaker already rolled it back
		return nil
	})
	if err != nil {
		return err
	}
	run := Workloads(a).Service(id)
	if !core.Boolean(out, "waitForSteadyState") || rolledBack {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, steadyStateTimeout)
	defer cancel()
	if err := run.settle(ctx, td); err != nil {
		return fmt.Errorf("wait for steady state: %w", err)
	}
	return nil
}

// steadyStateTimeout bounds the wait on the sandbox's clock.
const steadyStateTimeout = 2 * time.Minute
