package workload

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecr"
	"github.com/kirikae/kirikae/sandbox/ecs"
)

// healthCheck is a target group's health check with ALB's defaults for what
// the resource leaves out.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
type healthCheck struct {
	Path      string
	Interval  time.Duration
	Timeout   time.Duration
	Healthy   int
	Unhealthy int
	Matcher   string
}

func healthCheckOf(tg map[string]any) healthCheck {
	hc := healthCheck{Path: "/", Interval: 30 * time.Second, Timeout: 5 * time.Second, Healthy: 5, Unhealthy: 2, Matcher: "200"}
	m, _ := tg["healthCheck"].(map[string]any)
	if l, ok := tg["healthCheck"].([]any); ok && len(l) > 0 {
		m, _ = l[0].(map[string]any)
	}
	if p := core.StrOf(m, "path"); p != "" {
		hc.Path = p
	}
	if s := core.StrOf(m, "matcher"); s != "" {
		hc.Matcher = s
	}
	num := func(k string) (float64, bool) { f, ok := m[k].(float64); return f, ok && f > 0 }
	if f, ok := num("interval"); ok {
		hc.Interval = time.Duration(f) * time.Second
	}
	if f, ok := num("timeout"); ok {
		hc.Timeout = time.Duration(f) * time.Second
	}
	if f, ok := num("healthyThreshold"); ok {
		hc.Healthy = int(f)
	}
	if f, ok := num("unhealthyThreshold"); ok {
		hc.Unhealthy = int(f)
	}
	return hc
}

// matches reports whether an HTTP status is a success for the matcher
// ("200", "200,202", "200-399").
func (hc healthCheck) matches(status int) bool {
	for _, part := range strings.Split(hc.Matcher, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		l, err1 := strconv.Atoi(lo)
		h, err2 := l, error(nil)
		if isRange {
			h, err2 = strconv.Atoi(hi)
		}
		if err1 == nil && err2 == nil && status >= l && status <= h {
			return true
		}
	}
	return false
}

// probe makes one health check request to a target.
func (hc healthCheck) probe(client *http.Client, port int) bool {
	resp, err := client.Get(fmt.Sprintf("http://127.0.0.1:%d%s", port, hc.Path))
	if err != nil {
		return false
	}
	resp.Body.Close()
	return hc.matches(resp.StatusCode)
}

// serviceSpec is what the account says one ECS service should run.
type serviceSpec struct {
	ID          string
	TaskDef     string // ARN of the task definition ECS runs (after a rollback, the old one)
	TargetGroup string
	Container   string
	Desired     int
	Grace       time.Duration
	Health      healthCheck
	Task        TaskSpec
}

// TaskSpec is one task definition's container, resolved in the registry.
type TaskSpec struct {
	TaskDef string
	Image   string
	Layer   string // sha256 of the program; "" when the image cannot be pulled
	// Registry is the state directory of the account whose registry
	// holds the layer when it is not the task's own ("").
	Registry string
	PullErr  string // CannotPullContainerError reason
	// Platform is the image's (linux/arm64); the task runs it natively or
	// under qemu. "" for an image pushed without one: run as this machine's.
	Platform  string
	Env       []string
	Port      int
	LogGroup  string
	LogPrefix string
}

// ServiceSpecOf reads a service's spec from the account; ok is false when
// the service does not exist (any more).
func ServiceSpecOf(st *core.State, ix core.Index, id string) (serviceSpec, bool) {
	var svc map[string]any
	for _, s := range ix[core.TokService] {
		if s["id"] == id {
			svc = s
		}
	}
	if svc == nil {
		return serviceSpec{}, false
	}
	sp := serviceSpec{ID: id, TaskDef: ecs.TaskDefinitionARN(ix, core.StrOf(svc, "taskDefinition")), Desired: 1}
	if d, ok := svc["desiredCount"].(float64); ok {
		sp.Desired = min(max(int(d), 0), 3) // a local machine runs at most three tasks per service
	}
	grace, _ := svc["healthCheckGracePeriodSeconds"].(float64)
	sp.Grace = time.Duration(grace) * time.Second
	lbs, _ := svc["loadBalancers"].([]any)
	if len(lbs) > 0 {
		l, _ := lbs[0].(map[string]any)
		sp.TargetGroup, sp.Container = core.StrOf(l, "targetGroupArn"), core.StrOf(l, "containerName")
	}
	for _, tg := range ix["aws:lb/targetGroup:TargetGroup"] {
		if core.StrOf(tg, "arn") == sp.TargetGroup {
			sp.Health = healthCheckOf(tg)
		}
	}
	if sp.Health.Matcher == "" {
		sp.Health = healthCheckOf(nil)
	}
	sp.Task = TaskSpecOf(st, ix, sp.TaskDef, sp.Container)
	return sp, true
}

// TaskSpecOf resolves the container's image in the registry its host
// names (the account's own or another's) by tag or digest, as the ECS
// agent pulls it.
func TaskSpecOf(st *core.State, ix core.Index, tdARN, container string) TaskSpec {
	ts := TaskSpec{TaskDef: tdARN}
	var td map[string]any
	for _, c := range ix[core.TokTaskDef] {
		if core.StrOf(c, "arn") == tdARN {
			td = c
		}
	}
	if td == nil {
		ts.PullErr = fmt.Sprintf("ClientException: task definition %s does not exist", tdARN)
		return ts
	}
	var defs []struct {
		Name        string `json:"name"`
		Image       string `json:"image"`
		Environment []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"environment"`
		PortMappings []struct {
			ContainerPort int `json:"containerPort"`
		} `json:"portMappings"`
		LogConfiguration struct {
			LogDriver string            `json:"logDriver"`
			Options   map[string]string `json:"options"`
		} `json:"logConfiguration"`
	}
	if err := json.Unmarshal([]byte(core.StrOf(td, "containerDefinitions")), &defs); err != nil || len(defs) == 0 {
		ts.PullErr = fmt.Sprintf("ClientException: containerDefinitions of %s do not parse", tdARN)
		return ts
	}
	d := defs[0]
	for _, c := range defs {
		if c.Name == container {
			d = c
		}
	}
	ts.Image = d.Image
	for _, e := range d.Environment {
		ts.Env = append(ts.Env, e.Name+"="+e.Value)
	}
	if len(d.PortMappings) > 0 {
		ts.Port = d.PortMappings[0].ContainerPort
	}
	if d.LogConfiguration.LogDriver == "awslogs" {
		ts.LogGroup = d.LogConfiguration.Options["awslogs-group"]
		ts.LogPrefix = d.LogConfiguration.Options["awslogs-stream-prefix"]
	}
	// A task whose image cannot be pulled stops with
	// CannotPullContainerError; no task runs and nothing answers for it.
	// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html
	repo, id, ok := parseImage(d.Image)
	if !ok {
		// The sandbox simulates ECR only: another registry has no image.
		ts.PullErr = ecr.CannotPull(d.Image, "not found (the sandbox pulls images from ECR only)")
		return ts
	}
	// The host names the registry: another account's is read as far as
	// its repository policy lets this account pull (ecr/registry_xacct.go).
	if reg := ecr.RegistryOfImage(d.Image); reg != "" && reg != st.AccountID {
		other, dir, err := ecr.OtherRegistry(st.AccountID, reg, repo, ecr.PullActions...)
		if err != nil {
			ts.PullErr = ecr.PullDenied(d.Image, err)
			return ts
		}
		st, ts.Registry = other, dir
	}
	if _, err := ecr.Repository(st, repo); err != nil {
		ts.PullErr = ecr.CannotPull(d.Image, "repository does not exist")
		return ts
	}
	im := ecr.FindImage(st, repo, id)
	if im == nil {
		ts.PullErr = ecr.CannotPull(d.Image, "not found")
		return ts
	}
	if want := TaskPlatform(td); im.Platform != "" && im.Platform != want {
		ts.PullErr = ecr.NoPlatformMatch(want)
		return ts
	}
	ts.Layer, ts.Platform = im.Layer, im.Platform
	return ts
}

// TaskPlatform is the platform a task definition's tasks run on: its
// runtimePlatform, and LINUX/X86_64 when it names none (Fargate's
// default).
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#runtime-platform
func TaskPlatform(td map[string]any) string {
	rp, _ := td["runtimePlatform"].(map[string]any)
	if strings.EqualFold(core.StrOf(rp, "cpuArchitecture"), "ARM64") {
		return "linux/arm64"
	}
	return "linux/amd64"
}

// parseImage splits an ECR image reference
// (ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO[:TAG|@DIGEST]) into the
// repository and the image id; ok is false for other registries.
func parseImage(ref string) (string, ecr.ImageID, bool) {
	host, rest, found := strings.Cut(ref, "/")
	if !found || !strings.Contains(host, ".dkr.ecr.") {
		return "", ecr.ImageID{}, false
	}
	if name, digest, ok := strings.Cut(rest, "@"); ok {
		return name, ecr.ImageID{ImageDigest: digest}, true
	}
	if i := strings.LastIndex(rest, ":"); i >= 0 {
		return rest[:i], ecr.ImageID{ImageTag: rest[i+1:]}, true
	}
	return rest, ecr.ImageID{ImageTag: "latest"}, true
}

// breakerThreshold is how many tasks may fail to start before the
// deployment circuit breaker fails the deployment: half the desired count,
// at least 3 and at most 200.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
func breakerThreshold(desired int) int {
	return min(max(int(math.Ceil(0.5*float64(desired))), 3), 200)
}
