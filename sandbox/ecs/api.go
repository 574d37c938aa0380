package ecs

import (
	"encoding/json"
	"fmt"

	"github.com/kirikae/kirikae/sandbox/core"
)

const (
	TargetPrefix = "AmazonEC2ContainerServiceV20141113"
)

// Ops are the ECS operations the endpoint serves (api_list.go has the
// List calls and the tasks).
func Ops(a *core.Account) map[string]core.JSONOp {
	return map[string]core.JSONOp{
		"DescribeServices":       DescribeServices,
		"DescribeTaskDefinition": describeTaskDefinition,
		"ListClusters":           listClusters,
		"ListServices":           listServices,
		"ListTasks":              func(st *core.State, in []byte) (any, error) { return listTasks(a, st, in) },
		"DescribeTasks":          func(st *core.State, in []byte) (any, error) { return describeTasks(a, st, in) },
	}
}

func clusterNotFound(cluster string) error {
	return core.BadRequest("ClusterNotFoundException", fmt.Sprintf("Cluster not found: %s", cluster))
}

// DescribeServices reports what each service runs. After a deployment
// circuit breaker rollback the PRIMARY deployment (and the service's task
// definition) is the one ECS rolled back to, not the one requested.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
func DescribeServices(st *core.State, in []byte) (any, error) {
	var req struct {
		Cluster  string   `json:"cluster"`
		Services []string `json:"services"`
	}
	if err := core.Decode(in, &req); err != nil {
		return nil, err
	}
	if len(req.Services) == 0 {
		return nil, core.BadRequest("InvalidParameterException", "Services cannot be empty.")
	}
	cluster := req.Cluster
	if cluster == "" {
		cluster = "default" // ECS's default cluster
	}
	ix := core.NewIndex(st)
	if cluster != "default" && !clusterExists(ix, cluster) {
		return nil, clusterNotFound(cluster)
	}
	services, failures := []any{}, []any{}
	for _, name := range req.Services {
		r, err := findService(st, cluster, name)
		if err != nil {
			failures = append(failures, map[string]any{"arn": name, "reason": "MISSING"})
			continue
		}
		services = append(services, serviceDescription(ix, st, r))
	}
	return map[string]any{"services": services, "failures": failures}, nil
}

func clusterExists(ix core.Index, cluster string) bool {
	for _, c := range ix[core.TokCluster] {
		if core.StrOf(c, "arn") == cluster || core.StrOf(c, "name") == core.LastSegment(cluster, "/") {
			return true
		}
	}
	return false
}

func serviceDescription(ix core.Index, st *core.State, r *core.Record) map[string]any {
	outs, _ := core.Plain(r.Outputs).(map[string]any)
	ref := core.StrOf(outs, "taskDefinition")
	if running, ok := st.Running[r.ID]; ok {
		ref = running
	}
	td := TaskDefinitionARN(ix, ref)
	count := outs["desiredCount"]
	launch := core.StrOf(outs, "launchType")
	if launch == "" {
		launch = "FARGATE"
	}
	lbs := outs["loadBalancers"]
	if lbs == nil {
		lbs = []any{}
	}
	desc := map[string]any{
		"serviceArn": r.ID, "serviceName": core.StrOf(outs, "name"), "clusterArn": core.StrOf(outs, "cluster"),
		"status": "ACTIVE", "desiredCount": count, "runningCount": count, "pendingCount": 0,
		"launchType": launch, "taskDefinition": td, "loadBalancers": lbs,
		"schedulingStrategy": "REPLICA", "createdAt": core.Epoch(""),
		"deployments": []any{map[string]any{
			"id": "ecs-svc/" + core.StableDigits(r.ID+td, 19), "status": "PRIMARY", "taskDefinition": td,
			"desiredCount": count, "runningCount": count, "pendingCount": 0, "failedTasks": 0,
			"launchType": launch, "rolloutState": "COMPLETED", "createdAt": core.Epoch(""), "updatedAt": core.Epoch(""),
		}},
	}
	if nc := networkConfiguration(outs["networkConfiguration"]); nc != nil {
		desc["networkConfiguration"] = nc
	}
	return desc
}

// networkConfiguration renders a service's awsvpc settings (the provider's
// {subnets, securityGroups, assignPublicIp}) as ECS reports them, which is
// what RunTask takes back for a task in the same network.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_NetworkConfiguration.html
func networkConfiguration(v any) map[string]any {
	if l, ok := v.([]any); ok && len(l) > 0 {
		v = l[0]
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	public := "DISABLED"
	if b, _ := m["assignPublicIp"].(bool); b {
		public = "ENABLED"
	}
	list := func(k string) []any {
		if l, ok := m[k].([]any); ok {
			return l
		}
		return []any{}
	}
	return map[string]any{"awsvpcConfiguration": map[string]any{
		"subnets": list("subnets"), "securityGroups": list("securityGroups"), "assignPublicIp": public,
	}}
}

// describeTaskDefinition accepts an ARN, family:revision or family (the
// latest ACTIVE revision), as ECS does.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html
func describeTaskDefinition(st *core.State, in []byte) (any, error) {
	var req struct {
		TaskDefinition string `json:"taskDefinition"`
	}
	if err := core.Decode(in, &req); err != nil {
		return nil, err
	}
	ix := core.NewIndex(st)
	arn := TaskDefinitionARN(ix, req.TaskDefinition)
	for _, td := range ix[core.TokTaskDef] {
		if core.StrOf(td, "arn") != arn {
			continue
		}
		var defs []any
		if err := json.Unmarshal([]byte(core.StrOf(td, "containerDefinitions")), &defs); err != nil {
			return nil, fmt.Errorf("parse containerDefinitions of %s: %w", arn, err)
		}
		out := map[string]any{
			"taskDefinitionArn": arn, "family": td["family"], "revision": td["revision"],
			"containerDefinitions": defs, "status": "ACTIVE", "registeredAt": core.Epoch(""),
		}
		for _, k := range []string{"cpu", "memory", "networkMode", "requiresCompatibilities", "executionRoleArn", "taskRoleArn", "runtimePlatform"} {
			if v, ok := td[k]; ok {
				out[k] = v
			}
		}
		return map[string]any{"taskDefinition": out, "tags": []any{}}, nil
	}
	return nil, core.BadRequest("ClientException", "Unable to describe task definition.")
}
