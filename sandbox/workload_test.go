package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/build"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecr"
	"github.com/kirikae/kirikae/sandbox/ecs"
	"github.com/kirikae/kirikae/sandbox/frontdoor"
	"github.com/kirikae/kirikae/sandbox/logs"
	"github.com/kirikae/kirikae/sandbox/workload"
)

// programs caches test programs by baked version across tests.
var (
	programsMu sync.Mutex
	programs   = map[string][]byte{}
)

// program builds internal/testproject/workload with version baked in: its
// name chooses how it misbehaves (see that program).
func program(t *testing.T, version string) []byte {
	t.Helper()
	programsMu.Lock()
	defer programsMu.Unlock()
	if p, ok := programs[version]; ok {
		return p
	}
	out := filepath.Join(t.TempDir(), "program")
	require.NoError(t, build.Binary(t.Context(), filepath.Join("..", "internal", "testproject", "workload"), runtime.GOOS, runtime.GOARCH, version, out))
	p, err := os.ReadFile(out)
	require.NoError(t, err)
	programs[version] = p
	return p
}

// ecrHost is the account's own registry: an image under another
// account's id is pulled from that account's registry.
func ecrHost(a *core.Account) string { return a.ID() + ".dkr.ecr.us-east-1.amazonaws.com/" }

// ecsStack is an ALB → one target group → one ECS service with the
// circuit breaker and waitForSteadyState, as infra builds each colour.
type ecsStack struct {
	h        *harness
	lb, svc  *live
	tg       *live
	revision int
	// runtimePlatform, when set, is every new task definition's.
	runtimePlatform map[string]any
}

func newECSStack(t *testing.T, h *harness, image string) *ecsStack {
	s := &ecsStack{h: h}
	h.create("aws:ecr/repository:Repository", "repo", pmap(map[string]any{"name": "app", "imageTagMutability": "IMMUTABLE"}))
	s.lb = h.create("aws:lb/loadBalancer:LoadBalancer", "alb", pmap(map[string]any{"name": "web"}))
	s.tg = h.create("aws:lb/targetGroup:TargetGroup", "blue", pmap(map[string]any{"name": "web-blue", "port": 8080,
		"healthCheck": map[string]any{"path": "/healthz", "interval": 15, "healthyThreshold": 2, "unhealthyThreshold": 3, "matcher": "200-399"}}))
	h.create("aws:lb/listener:Listener", "http", pmap(map[string]any{"loadBalancerArn": core.Str(s.lb.outs, "arn"), "port": 80,
		"defaultActions": []any{map[string]any{"type": "forward", "forward": map[string]any{"targetGroups": []any{
			map[string]any{"arn": core.Str(s.tg.outs, "arn"), "weight": 100}}}}}}))
	return s
}

func (s *ecsStack) taskDef(image string) string {
	s.revision++
	defs := fmt.Sprintf(`[{"name":"app","image":%q,"essential":true,"portMappings":[{"containerPort":8080}],`+
		`"environment":[{"name":"GREETING","value":"hi"}],`+
		`"logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/web","awslogs-stream-prefix":"blue"}}}]`, image)
	in := map[string]any{"family": "web-blue", "containerDefinitions": defs}
	if s.runtimePlatform != nil {
		in["runtimePlatform"] = s.runtimePlatform
	}
	td := s.h.create(taskDefType, fmt.Sprintf("td-%d", s.revision), pmap(in))
	return core.Str(td.outs, "arn")
}

func (s *ecsStack) serviceInputs(td string) map[string]any {
	return map[string]any{"name": "web-blue", "taskDefinition": td, "desiredCount": 1, "waitForSteadyState": true,
		"healthCheckGracePeriodSeconds": 60,
		"deploymentCircuitBreaker":      map[string]any{"enable": true, "rollback": true},
		"loadBalancers":                 []any{map[string]any{"targetGroupArn": core.Str(s.tg.outs, "arn"), "containerName": "app", "containerPort": 8080}}}
}

// deploy points the service at a new task definition running image.
func (s *ecsStack) deploy(image string) string {
	td := s.taskDef(ecrHost(s.h.acct) + image)
	if s.svc == nil {
		s.svc = s.h.create(core.TokService, "svc", pmap(s.serviceInputs(td)))
	} else {
		s.svc = s.h.update(s.svc, pmap(s.serviceInputs(td)), false)
	}
	return td
}

// served GETs path through the front door on the ALB's name.
func served(t *testing.T, h http.Handler, host, path string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Host = host
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func versionOf(t *testing.T, body string) string {
	t.Helper()
	var v struct {
		Version string `json:"version"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &v), body)
	return v.Version
}

func (s *ecsStack) primary(t *testing.T) string {
	t.Helper()
	var svc struct {
		Deployments []struct{ Status, TaskDefinition string }
	}
	out, err := ecs.DescribeServices(mustState(t, s.h.acct), []byte(`{"services":["web-blue"]}`))
	require.NoError(t, err)
	raw, _ := json.Marshal(out.(map[string]any)["services"].([]any)[0])
	require.NoError(t, json.Unmarshal(raw, &svc))
	for _, d := range svc.Deployments {
		if d.Status == "PRIMARY" {
			return d.TaskDefinition
		}
	}
	return ""
}

func mustState(t *testing.T, a *core.Account) *core.State {
	var out *core.State
	require.NoError(t, a.View(func(st *core.State) error { out = st; return nil }))
	return out
}

func TestECSRunsTheImagesProgramAndTheCircuitBreakerRollsBack(t *testing.T) {
	h := newHarness(t)
	s := newECSStack(t, h, "")
	for _, v := range []string{"v1", "v2-crash", "v3-unhealthy"} {
		_, err := ecr.PushImage(h.acct, "app", v, "", program(t, v))
		require.NoError(t, err)
	}
	// v4 is a build that says it is v9: the front door serves what the
	// program answers, not the tag.
	_, err := ecr.PushImage(h.acct, "app", "v4", "", program(t, "v9"))
	require.NoError(t, err)
	front := frontdoor.Handler(h.acct)
	host := core.Str(s.lb.outs, "dnsName")

	steady := s.deploy("app:v1")
	code, body := served(t, front, host, "/version")
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, "v1", versionOf(t, body))

	for _, bad := range []struct{ image, reason string }{
		{"app:v2-crash", "Essential container in task exited"},
		{"app:v3-unhealthy", "failed ELB health checks"},
		{"app:v404", "CannotPullContainerError"},
	} {
		start := time.Now()
		requested := s.deploy(bad.image)
		t.Logf("%s: rolled back in %s", bad.image, time.Since(start))
		assert.Equal(t, requested, core.Str(s.svc.outs, "taskDefinition"), "Pulumi's output is what was asked for")
		assert.Equal(t, steady, s.primary(t), "%s: the circuit breaker made the steady task definition PRIMARY again", bad.image)
		code, body = served(t, front, host, "/version")
		require.Equal(t, http.StatusOK, code, body)
		assert.Equal(t, "v1", versionOf(t, body), "%s: the old version keeps serving", bad.image)
		run := workload.Workloads(h.acct).Service(s.svc.id)
		_, reason, _ := run.Status(requested)
		assert.Contains(t, reason, bad.reason)
	}

	// Deploying the old release again clears the rollback; a build that
	// reports another version is served as what it is.
	s.deploy("app:v1")
	td := s.deploy("app:v4")
	assert.Equal(t, td, s.primary(t))
	code, body = served(t, front, host, "/version")
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, "v9", versionOf(t, body))

	// The program's output is in its awslogs stream.
	streams, err := logs.LogStreams(h.acct, "/ecs/web", "")
	require.NoError(t, err)
	require.NotEmpty(t, streams)
	var all []string
	for _, st := range streams {
		assert.True(t, strings.HasPrefix(st.Name, "blue/app/"), st.Name)
		evs, err := logs.FilterLogEvents(h.acct, logs.LogQuery{Group: "/ecs/web", Streams: []string{st.Name}})
		require.NoError(t, err)
		for _, e := range evs {
			all = append(all, e.Message)
		}
	}
	assert.Contains(t, strings.Join(all, "\n"), "serving version v9 on :")
	assert.Contains(t, strings.Join(all, "\n"), "GREETING=hi", "the container's environment reaches the program")
}

func TestFirstDeploymentWithAMissingImageFails(t *testing.T) {
	h := newHarness(t)
	s := newECSStack(t, h, "")
	_, err := ecr.PushImage(h.acct, "app", "v1", "", program(t, "v1"))
	require.NoError(t, err)
	td := s.taskDef(ecrHost(h.acct) + "app:nope")
	_, err = h.tryCreate(core.TokService, "svc", pmap(s.serviceInputs(td)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "CannotPullContainerError")
}

func TestWorkloadsStopWithTheirLastUser(t *testing.T) {
	h := newHarness(t)
	s := newECSStack(t, h, "")
	_, err := ecr.PushImage(h.acct, "app", "v1", "", program(t, "v1"))
	require.NoError(t, err)
	ep := serve(t, h.acct) // one user of the workloads
	s.deploy("app:v1")
	run := workload.Workloads(h.acct).Service(s.svc.id)
	healthy, _ := run.Targets()
	require.Len(t, healthy, 1)
	run.Mu.Lock()
	pid := run.Deps[0].Tasks[0].Cmd.Process.Pid
	run.Mu.Unlock()
	require.NoError(t, syscall.Kill(pid, 0), "the task runs")

	require.NoError(t, ep.Close())
	assert.ErrorIs(t, syscall.Kill(pid, 0), syscall.ESRCH, "closing the last user stopped the task")

	// Started again from the account's state on demand.
	code, body := served(t, frontdoor.Handler(h.acct), core.Str(s.lb.outs, "dnsName"), "/version")
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, "v1", versionOf(t, body))
}

var _ = io.Discard
