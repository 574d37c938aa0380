package sandbox

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// SimulateCircuitBreaker arms the ECS deployment circuit breaker of a
// service (name or ARN): the next update that changes its task definition
// "fails" and ECS rolls back, so the service keeps running the old task
// definition while Pulumi's outputs show the requested one - exactly the
// case deploy must detect with RunningTaskDefinition.
func (a *Account) SimulateCircuitBreaker(service string) error {
	return a.update(func(st *state) error {
		r, err := st.findService("", service)
		if err != nil {
			return fmt.Errorf("simulate circuit breaker: %w", err)
		}
		st.BreakerArmed[r.ID] = true
		return nil
	})
}

// updateService applies an armed circuit breaker when the task definition
// changes; any other task definition change is a successful rollout.
func updateService(e *env) error {
	oldTD, newTD := str(e.old, "taskDefinition"), e.str("taskDefinition")
	if oldTD == newTD {
		return nil
	}
	if !e.st.BreakerArmed[e.id] {
		delete(e.st.Running, e.id)
		return nil
	}
	delete(e.st.BreakerArmed, e.id)
	if _, rolledBack := e.st.Running[e.id]; !rolledBack {
		e.st.Running[e.id] = oldTD // an earlier rollback's running one stays
	}
	return nil
}

func removeService(st *state, r *record) {
	delete(st.BreakerArmed, r.ID)
	delete(st.Running, r.ID)
}

// findService finds an ECS service as ECS's API does: the service by name
// or ARN, the cluster by name or ARN ("" matches any cluster).
func (st *state) findService(cluster, service string) (*record, error) {
	var found []*record
	for _, r := range st.Resources {
		if r.Type != tokService {
			continue
		}
		outs, _ := plain(r.Outputs).(map[string]any)
		name, _ := outs["name"].(string)
		inCluster, _ := outs["cluster"].(string)
		if r.ID != service && name != service {
			continue
		}
		if cluster != "" && lastSegment(inCluster, "/") != lastSegment(cluster, "/") {
			continue
		}
		found = append(found, r)
	}
	switch len(found) {
	case 0:
		where := ""
		if cluster != "" {
			where = " in cluster " + cluster
		}
		return nil, fmt.Errorf("ServiceNotFoundException: ECS service %q does not exist%s in the simulated account", service, where)
	case 1:
		return found[0], nil
	default:
		return nil, fmt.Errorf("ECS service %q exists in several clusters; name the cluster or use the service ARN", service)
	}
}

// taskDefinitionARN resolves the ARN, family:revision or family forms ECS
// accepts to the full ARN; an unknown reference is returned as given.
func taskDefinitionARN(ix index, ref string) string {
	best, bestRev := ref, -1.0
	for _, td := range ix[tokTaskDef] {
		arn, _ := td["arn"].(string)
		family, _ := td["family"].(string)
		rev, _ := td["revision"].(float64)
		switch {
		case ref == arn, ref == family+":"+strconv.Itoa(int(rev)):
			return arn
		case ref == family && rev > bestRev:
			best, bestRev = arn, rev
		}
	}
	return best
}

// settle runs after the provider stored a resource. For an ECS service it
// starts the service's tasks and, with waitForSteadyState (as infra sets
// it), waits like pulumi-aws does until the deployment completed or the
// deployment circuit breaker rolled it back.
// https://www.pulumi.com/registry/packages/aws/api-docs/ecs/service/#waitforsteadystate_go
func (a *Account) settle(ctx context.Context, typ, id string, out resource.PropertyMap) error {
	if typ == functionType {
		return a.storeFunctionCode(out)
	}
	if typ != tokService {
		return nil
	}
	var td string
	var rolledBack bool
	err := a.view(func(st *state) error {
		td = taskDefinitionARN(newIndex(st), str(out, "taskDefinition"))
		running, ok := st.Running[id]
		rolledBack = ok && running != td // SimulateCircuitBreaker already rolled it back
		return nil
	})
	if err != nil {
		return err
	}
	run := a.workloads().service(id)
	if !boolean(out, "waitForSteadyState") || rolledBack {
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
