package sandbox

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/cloudfront"
	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecs"
	"github.com/kirikae/kirikae/sandbox/frontdoor"
)

func TestObjectsPersistAcrossAccountHandles(t *testing.T) {
	h := newHarness(t)
	h.create(bucketType, "site", pmap(map[string]any{"bucket": "site"}))
	writer := h.cloud()
	for _, key := range []string{"releases/r1/index.html", "releases/r1/app.js", "releases/r2/index.html", "other/x"} {
		require.NoError(t, writer.PutObject(t.Context(), "site", key, []byte("body of "+key), ""))
	}

	other, err := core.OpenAccount(h.acct.Dir())
	require.NoError(t, err)
	reader := cloudOf(t, other)
	got, err := reader.ListPrefixes(t.Context(), "site", "releases/")
	require.NoError(t, err)
	assert.Equal(t, []string{"r1", "r2"}, got)

	n, err := reader.DeletePrefix(t.Context(), "site", "releases/r1/")
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	got, err = writer.ListPrefixes(t.Context(), "site", "releases/")
	require.NoError(t, err)
	assert.Equal(t, []string{"r2"}, got)
	got, err = writer.ListPrefixes(t.Context(), "site", "")
	require.NoError(t, err)
	assert.Equal(t, []string{"other", "releases"}, got)

	blobs, err := os.ReadDir(filepath.Join(h.acct.Dir(), core.ObjectsDir))
	require.NoError(t, err)
	assert.Len(t, blobs, 2, "deleted objects' bodies are removed from disk")
}

func TestObjectBodiesAreSharedAndKeptWhileReferenced(t *testing.T) {
	h := newHarness(t)
	h.create(bucketType, "site", pmap(map[string]any{"bucket": "site"}))
	c := h.cloud()
	require.NoError(t, c.PutObject(t.Context(), "site", "releases/r1/a", []byte("same"), ""))
	require.NoError(t, c.PutObject(t.Context(), "site", "releases/r2/a", []byte("same"), ""))
	_, err := c.DeletePrefix(t.Context(), "site", "releases/r1/")
	require.NoError(t, err)
	err = h.acct.View(func(st *core.State) error {
		_, body, ok, err := h.acct.ReadObject(st, "site", "releases/r2/a")
		assert.True(t, ok)
		assert.Equal(t, "same", string(body))
		return err
	})
	require.NoError(t, err)
}

func TestObjectCallsNeedTheBucket(t *testing.T) {
	h := newHarness(t)
	c := h.cloud()
	err := c.PutObject(t.Context(), "nope", "k", []byte("x"), "text/plain")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "NoSuchBucket")
	_, err = c.ListPrefixes(t.Context(), "nope", "releases/")
	assert.ErrorContains(t, err, "NoSuchBucket")
	_, err = c.DeletePrefix(t.Context(), "nope", "releases/")
	assert.ErrorContains(t, err, "NoSuchBucket")
}

func TestDeletingTheBucketDropsItsObjects(t *testing.T) {
	h := newHarness(t)
	b := h.create(bucketType, "site", pmap(map[string]any{"bucket": "site", "forceDestroy": true}))
	c := h.cloud()
	require.NoError(t, c.PutObject(t.Context(), "site", "releases/r1/index.html", []byte("x"), ""))
	h.delete(b) // forceDestroy: the provider empties it first
	h.create(bucketType, "site", pmap(map[string]any{"bucket": "site"}))
	got, err := c.ListPrefixes(t.Context(), "site", "releases/")
	require.NoError(t, err)
	assert.Empty(t, got)
}

func distribution(h *harness, extra map[string]any) *live {
	in := map[string]any{"enabled": true,
		"origins":              []any{map[string]any{"originId": "s3", "domainName": "site.s3.us-east-1.amazonaws.com", "originPath": "/releases/r2"}},
		"defaultCacheBehavior": map[string]any{"targetOriginId": "s3"}, "restrictions": map[string]any{},
		"viewerCertificate": map[string]any{}, "defaultRootObject": "index.html"}
	for k, v := range extra {
		in[k] = v
	}
	return h.create("aws:cloudfront/distribution:Distribution", "cdn", pmap(in))
}

func TestInvalidationsAreRecordedPerDistribution(t *testing.T) {
	h := newHarness(t)
	d := distribution(h, nil)
	c := h.cloud()
	require.NoError(t, c.Invalidate(t.Context(), d.id, []string{"/*"}))
	require.NoError(t, c.Invalidate(t.Context(), d.id, []string{"/index.html", "/kirikae-release.json"}))
	got, err := cloudfront.Invalidations(h.acct, d.id)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, []string{"/*"}, got[0].Paths)
	assert.Equal(t, []string{"/index.html", "/kirikae-release.json"}, got[1].Paths)
	assert.NotEqual(t, got[0].ID, got[1].ID)

	assert.ErrorContains(t, c.Invalidate(t.Context(), "EUNKNOWN", []string{"/*"}), "NoSuchDistribution")
	assert.Error(t, c.Invalidate(t.Context(), d.id, nil))
	got, err = cloudfront.Invalidations(h.acct, "EUNKNOWN")
	require.NoError(t, err)
	assert.Empty(t, got)
}

// ecsService creates cluster "main" and service "api" running td.
func ecsService(t *testing.T, h *harness, versions ...string) (cluster *live, svc *live, tds []*live) {
	cluster = h.create("aws:ecs/cluster:Cluster", "main", pmap(map[string]any{"name": "main"}))
	for _, v := range versions {
		tds = append(tds, h.create(taskDefType, "td-"+v, pmap(map[string]any{"family": "api",
			"containerDefinitions": `[{"name":"app","image":"api:` + v + `"}]`})))
	}
	svc = h.create("aws:ecs/service:Service", "api", pmap(serviceInputs(cluster, tds[0])))
	return cluster, svc, tds
}

func serviceInputs(cluster, td *live) map[string]any {
	return map[string]any{"name": "api", "cluster": cluster.id, "taskDefinition": core.Str(td.outs, "arn")}
}

func TestRunningTaskDefinitionFindsServiceByNameOrARN(t *testing.T) {
	h := newHarness(t)
	cluster, svc, tds := ecsService(t, h, "v1")
	c := h.cloud()
	for _, q := range [][2]string{{"main", "api"}, {cluster.id, svc.id}, {cluster.id, "api"}} {
		got, err := c.RunningTaskDefinition(t.Context(), q[0], q[1])
		require.NoError(t, err, q)
		assert.Equal(t, core.Str(tds[0].outs, "arn"), got, q)
	}
	_, err := c.RunningTaskDefinition(t.Context(), "other", "api")
	assert.ErrorContains(t, err, "ClusterNotFoundException")
	// Without a cluster ECS looks in the cluster named "default".
	_, err = c.RunningTaskDefinition(t.Context(), "", "api")
	assert.ErrorContains(t, err, "MISSING", "DescribeServices reports an unknown service as a failure")
}

func TestRunningTaskDefinitionResolvesFamilyReferences(t *testing.T) {
	h := newHarness(t)
	cluster, _, tds := ecsService(t, h, "v1", "v2")
	h.create("aws:ecs/service:Service", "web", pmap(map[string]any{"name": "web", "cluster": cluster.id, "taskDefinition": "api"}))
	got, err := h.cloud().RunningTaskDefinition(t.Context(), "main", "web")
	require.NoError(t, err)
	assert.Equal(t, core.Str(tds[1].outs, "arn"), got, "a bare family means its newest revision")
}

func TestCircuitBreakerKeepsTheOldTaskDefinitionRunning(t *testing.T) {
	h := newHarness(t)
	cluster, svc, tds := ecsService(t, h, "v1", "v2", "v3")
	oldARN, newARN := core.Str(tds[0].outs, "arn"), core.Str(tds[1].outs, "arn")
	c := h.cloud()
	require.NoError(t, ecs.SimulateCircuitBreaker(h.acct, "api"))

	svc = h.update(svc, pmap(serviceInputs(cluster, tds[1])), false)
	assert.Equal(t, newARN, core.Str(svc.outs, "taskDefinition"), "Pulumi sees the requested task definition")
	got, err := c.RunningTaskDefinition(t.Context(), "main", "api")
	require.NoError(t, err)
	assert.Equal(t, oldARN, got, "ECS rolled back to the old one")

	// The breaker fires once: the next rollout succeeds.
	h.update(svc, pmap(serviceInputs(cluster, tds[2])), false)
	got, err = c.RunningTaskDefinition(t.Context(), "main", "api")
	require.NoError(t, err)
	assert.Equal(t, core.Str(tds[2].outs, "arn"), got)
}

func TestCircuitBreakerWaitsForATaskDefinitionChange(t *testing.T) {
	h := newHarness(t)
	cluster, svc, tds := ecsService(t, h, "v1", "v2")
	require.NoError(t, ecs.SimulateCircuitBreaker(h.acct, svc.id))
	in := serviceInputs(cluster, tds[0])
	in["desiredCount"] = 3
	svc = h.update(svc, pmap(in), false)
	h.update(svc, pmap(serviceInputs(cluster, tds[1])), false)
	got, err := h.cloud().RunningTaskDefinition(t.Context(), "main", "api")
	require.NoError(t, err)
	assert.Equal(t, core.Str(tds[0].outs, "arn"), got, "the armed breaker survived the unrelated update")

	assert.ErrorContains(t, ecs.SimulateCircuitBreaker(h.acct, "nope"), "ServiceNotFoundException")
}

func TestFrontDoorServesWhatARolledBackServiceRuns(t *testing.T) {
	h := newHarness(t)
	lb := blueGreen(t, h, 100, 0)
	var blue *core.Resource
	res, err := h.acct.Resources()
	require.NoError(t, err)
	for i := range res {
		if res[i].Type == "aws:ecs/service:Service" && res[i].Outputs["name"] == "web-blue" {
			blue = &res[i]
		}
	}
	require.NotNil(t, blue)
	require.NoError(t, ecs.SimulateCircuitBreaker(h.acct, "web-blue"))
	td := h.create(taskDefType, "td-blue-v9", pmap(map[string]any{"family": "web-blue",
		"containerDefinitions": `[{"name":"app","image":"web:v9"}]`}))
	svc := &live{typ: blue.Type, name: "svc-blue", id: blue.ID, inputs: pmap(blue.Inputs), outs: pmap(blue.Outputs)}
	in := blue.Inputs
	in["taskDefinition"] = core.Str(td.outs, "arn")
	h.update(svc, pmap(in), false)

	_, version := get(t, frontdoor.Handler(h.acct), core.Str(lb.outs, "dnsName"))
	assert.Equal(t, "v1", version, "the old tasks still serve")
}

func TestHTTPClientReachesTheFrontDoorByHostName(t *testing.T) {
	h := newHarness(t)
	lb := blueGreen(t, h, 100, 0)
	addr, closer, err := frontdoor.ListenHTTP(t.Context(), h.acct)
	require.NoError(t, err)
	defer closer.Close()
	client := FrontDoorClient(addr)
	for _, scheme := range []string{"http", "https"} {
		resp, err := client.Get(scheme + "://" + core.Str(lb.outs, "dnsName") + "/version")
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "v1", resp.Header.Get("X-Kirikae-Version"))
		assert.JSONEq(t, `{"version":"v1"}`, string(body), "blue's program answers")
	}
}

func TestHTTPClientWithoutFrontDoorFails(t *testing.T) {
	_, err := FrontDoorClient("").Get("http://x.elb.amazonaws.com/")
	assert.ErrorContains(t, err, "front door is not running")
}
