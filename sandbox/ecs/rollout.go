package ecs

import (
	"fmt"
	"strconv"

	"github.com/kirikae/kirikae/sandbox/core"
)

// SimulateCircuitBreaker arms the ECS deployment circuit breaker of a
// service (name or ARN): the next update that changes its task definition
// "fails" and ECS rolls back, so the service keeps running the old task
// definition while Pulumi's outputs show the requested one - exactly the
// case deploy must detect with RunningTaskDefinition.
func SimulateCircuitBreaker(a *core.Account, service string) error {
	return a.Update(func(st *core.State) error {
		r, err := findService(st, "", service)
		if err != nil {
			return fmt.Errorf("simulate circuit breaker: %w", err)
		}
		st.BreakerArmed[r.ID] = true
		return nil
	})
}

// updateService applies an armed circuit breaker when the task definition
// changes; any other task definition change is a successful rollout.
func updateService(e *core.Env) error {
	oldTD, newTD := core.Str(e.Old, "taskDefinition"), e.Str("taskDefinition")
	if oldTD == newTD {
		return nil
	}
	if !e.St.BreakerArmed[e.Id] {
		delete(e.St.Running, e.Id)
		return nil
	}
	delete(e.St.BreakerArmed, e.Id)
	if _, rolledBack := e.St.Running[e.Id]; !rolledBack {
		e.St.Running[e.Id] = oldTD // an earlier rollback's running one stays
	}
	return nil
}

func removeService(st *core.State, r *core.Record) {
	delete(st.BreakerArmed, r.ID)
	delete(st.Running, r.ID)
}

// findService finds an ECS service as ECS's API does: the service by name
// or ARN, the cluster by name or ARN ("" matches any cluster)
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html).
func findService(st *core.State, cluster, service string) (*core.Record, error) {
	var found []*core.Record
	for _, r := range st.Resources {
		if r.Type != core.TokService {
			continue
		}
		outs, _ := core.Plain(r.Outputs).(map[string]any)
		name, _ := outs["name"].(string)
		inCluster, _ := outs["cluster"].(string)
		if r.ID != service && name != service {
			continue
		}
		if cluster != "" && core.LastSegment(inCluster, "/") != core.LastSegment(cluster, "/") {
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

// TaskDefinitionARN resolves the ARN, family:revision or family forms ECS
// accepts to the full ARN; an unknown reference is returned as given.
func TaskDefinitionARN(ix core.Index, ref string) string {
	best, bestRev := ref, -1.0
	for _, td := range ix[core.TokTaskDef] {
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
