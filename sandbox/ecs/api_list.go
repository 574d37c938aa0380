package ecs

import (
	"sort"
	"strings"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
)

// Task is a running ECS task as the layer that runs tasks (package
// workload) reports it.
type Task struct {
	ID             string
	TaskDefinition string
	Container      string
	StartedAt      time.Time
	// HealthStatus is the container's health as its target group sees
	// it: HEALTHY, UNHEALTHY or UNKNOWN.
	HealthStatus string
}

// RunningTasks reports the running tasks of the ECS service (by id). The
// top layer sets it: ECS itself does not run programs.
var RunningTasks func(a *core.Account, serviceID string) []Task

// clusterOf resolves a request's cluster (name or ARN; "" is "default") to
// the cluster's name.
func clusterOf(ix core.Index, cluster string) (string, error) {
	if cluster == "" {
		cluster = "default" // ECS's default cluster
	}
	if cluster != "default" && !clusterExists(ix, cluster) {
		return "", clusterNotFound(cluster)
	}
	return core.LastSegment(cluster, "/"), nil
}

// servicesIn are the account's ECS services in the cluster (by name).
func servicesIn(ix core.Index, cluster string) []map[string]any {
	var out []map[string]any
	for _, s := range ix[core.TokService] {
		if core.LastSegment(core.StrOf(s, "cluster"), "/") == cluster {
			out = append(out, s)
		}
	}
	return out
}

// listClusters: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListClusters.html
func listClusters(st *core.State, _ []byte) (any, error) {
	arns := []string{}
	for _, c := range core.NewIndex(st)[core.TokCluster] {
		arns = append(arns, core.StrOf(c, "arn"))
	}
	return map[string]any{"clusterArns": arns}, nil
}

// inCluster is the cluster member of ECS requests.
type inCluster struct {
	Cluster string `json:"cluster"`
}

func (c inCluster) cluster() string { return c.Cluster }

// decodeIn reads a request naming a cluster and resolves the cluster.
func decodeIn(st *core.State, in []byte, req interface{ cluster() string }) (core.Index, string, error) {
	if err := core.Decode(in, req); err != nil {
		return nil, "", err
	}
	ix := core.NewIndex(st)
	cluster, err := clusterOf(ix, req.cluster())
	return ix, cluster, err
}

// listServices: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServices.html
func listServices(st *core.State, in []byte) (any, error) {
	var req inCluster
	ix, cluster, err := decodeIn(st, in, &req)
	if err != nil {
		return nil, err
	}
	arns := []string{}
	for _, s := range servicesIn(ix, cluster) {
		arns = append(arns, core.StrOf(s, "id")) // a service's id is its ARN
	}
	return map[string]any{"serviceArns": arns}, nil
}

// tasksIn are the running tasks of the cluster's services (of one service
// when service is not ""), with their ARNs.
func tasksIn(a *core.Account, st *core.State, region, cluster, service string) map[string]Task {
	out := map[string]Task{}
	if RunningTasks == nil {
		return out
	}
	for _, s := range servicesIn(core.NewIndex(st), cluster) {
		if service != "" && core.StrOf(s, "id") != service && core.StrOf(s, "name") != core.LastSegment(service, "/") {
			continue
		}
		for _, t := range RunningTasks(a, core.StrOf(s, "id")) {
			arn := "arn:aws:ecs:" + region + ":" + st.AccountID + ":task/" + cluster + "/" + t.ID
			out[arn] = t
		}
	}
	return out
}

// regionOf is the region of the account's ECS ARNs.
func regionOf(ix core.Index) string {
	for _, c := range ix[core.TokCluster] {
		return arnRegion(core.StrOf(c, "arn"))
	}
	for _, s := range ix[core.TokService] {
		return arnRegion(core.StrOf(s, "id"))
	}
	return core.DefaultRegion
}

func arnRegion(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) < 5 || parts[3] == "" {
		return core.DefaultRegion
	}
	return parts[3]
}

// listTasks lists RUNNING tasks, the default desiredStatus.
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTasks.html
func listTasks(a *core.Account, st *core.State, in []byte) (any, error) {
	var req struct {
		inCluster
		ServiceName string `json:"serviceName"`
	}
	ix, cluster, err := decodeIn(st, in, &req)
	if err != nil {
		return nil, err
	}
	arns := []string{}
	for arn := range tasksIn(a, st, regionOf(ix), cluster, req.ServiceName) {
		arns = append(arns, arn)
	}
	sort.Strings(arns)
	return map[string]any{"taskArns": arns}, nil
}

// describeTasks: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTasks.html
func describeTasks(a *core.Account, st *core.State, in []byte) (any, error) {
	var req struct {
		inCluster
		Tasks []string `json:"tasks"`
	}
	ix, cluster, err := decodeIn(st, in, &req)
	if err != nil {
		return nil, err
	}
	if len(req.Tasks) == 0 {
		return nil, core.BadRequest("InvalidParameterException", "Tasks cannot be empty.")
	}
	running := tasksIn(a, st, regionOf(ix), cluster, "")
	tasks, failures := []any{}, []any{}
	for _, ref := range req.Tasks {
		var arn string
		for candidate := range running {
			if candidate == ref || core.LastSegment(candidate, "/") == ref {
				arn = candidate
			}
		}
		if arn == "" {
			failures = append(failures, map[string]any{"arn": ref, "reason": "MISSING"})
			continue
		}
		t := running[arn]
		clusterArn := "arn:aws:ecs:" + arnRegion(arn) + ":" + st.AccountID + ":cluster/" + cluster
		tasks = append(tasks, map[string]any{
			"taskArn": arn, "clusterArn": clusterArn, "taskDefinitionArn": t.TaskDefinition,
			"lastStatus": "RUNNING", "desiredStatus": "RUNNING", "launchType": "FARGATE",
			"healthStatus": t.HealthStatus, "startedAt": float64(t.StartedAt.Unix()),
			"createdAt": float64(t.StartedAt.Unix()),
			"containers": []any{map[string]any{"name": t.Container, "taskArn": arn, "lastStatus": "RUNNING",
				"healthStatus": t.HealthStatus}},
		})
	}
	return map[string]any{"tasks": tasks, "failures": failures}, nil
}
