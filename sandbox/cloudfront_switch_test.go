package sandbox

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/infra"

	"github.com/kirikae/kirikae/sandbox/cloudfront"
	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/frontdoor"
)

// kvsSite is kirikae's frontend shape: a private bucket with two releases
// and the content-hashed assets they share (assets/), read through an
// origin access control; a KeyValueStore key naming the live
// release; the viewer-request function kirikae deploys. policy is the
// bucket policy's actions for the distribution ("" = no policy).
type kvsSite struct {
	bucket     string
	h          *harness
	c          cloud.Cloud
	host, dist string
	key        *live
}

var kvsSites atomic.Int64

func newKVSSite(t *testing.T, spa bool, actions ...string) *kvsSite {
	h := newHarness(t)
	// Bucket names are global: two sites alive at once need two names.
	bucket := fmt.Sprintf("site-%d", kvsSites.Add(1))
	h.create(bucketType, "site", pmap(map[string]any{"bucket": bucket}))
	c := h.cloud()
	for key, body := range map[string]string{
		"releases/r1/index.html":           `<script src="app.11111111.js"></script>`,
		"assets/app.11111111.js":           "r1()",
		"releases/r1/kirikae-release.json": `{"version":"r1"}`,
		"releases/r2/index.html":           `<script src="app.22222222.js"></script>`,
		"assets/app.22222222.js":           "r2()",
		"releases/r2/kirikae-release.json": `{"version":"r2"}`,
	} {
		meta := cloud.ObjectMeta{ContentType: cloud.ContentType(key), CacheControl: cloud.CacheControl(key)}
		require.NoError(t, c.PutObjectMeta(t.Context(), bucket, key, []byte(body), meta))
	}
	store := h.create(core.TokKeyValueStore, "releases", pmap(map[string]any{"name": "site"}))
	key := h.create(core.TokKVSKey, "release", pmap(map[string]any{"keyValueStoreArn": core.Str(store.outs, "arn"), "key": "release", "value": "r1"}))
	fn := h.create(core.TokFunction, "release", pmap(map[string]any{"name": "site", "runtime": "cloudfront-js-2.0",
		"code": infra.ViewerRequestCode(spa), "keyValueStoreAssociations": []any{core.Str(store.outs, "arn")}}))
	d := distribution(h, map[string]any{
		"origins": []any{map[string]any{"originId": "s3", "domainName": bucket + ".s3.us-east-1.amazonaws.com", "originAccessControlId": "E123"}},
		"defaultCacheBehavior": map[string]any{"targetOriginId": "s3", "cachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
			"functionAssociations": []any{map[string]any{"eventType": "viewer-request", "functionArn": core.Str(fn.outs, "arn")}}},
	})
	if len(actions) > 0 {
		stmts := `{"Version":"2012-10-17","Statement":[`
		for i, a := range actions {
			if i > 0 {
				stmts += ","
			}
			stmts += `{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"` + a +
				`","Resource":"*","Condition":{"StringEquals":{"AWS:SourceArn":"` + core.Str(d.outs, "arn") + `"}}}`
		}
		h.create("aws:s3/bucketPolicy:BucketPolicy", "site", pmap(map[string]any{"bucket": bucket, "policy": stmts + "]}"}))
	}
	return &kvsSite{bucket: bucket, h: h, c: c, host: core.Str(d.outs, "domainName"), dist: d.id, key: key}
}

func (s *kvsSite) get(t *testing.T, path string) (int, string, http.Header) {
	t.Helper()
	rec := fetch(t, frontdoor.Handler(s.h.acct), s.host, path)
	return rec.Code, rec.Body.String(), rec.Header()
}

func (s *kvsSite) switchTo(release string) {
	s.key = s.h.update(s.key, pmap(map[string]any{"keyValueStoreArn": core.Str(s.key.inputs, "keyValueStoreArn"), "key": "release", "value": release}), false)
}

func TestFunctionServesTheReleaseTheKeyNames(t *testing.T) {
	s := newKVSSite(t, false, "s3:GetObject", "s3:ListBucket")
	code, body, hdr := s.get(t, "/")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, `<script src="app.11111111.js"></script>`, body)
	assert.Equal(t, "no-cache", hdr.Get("Cache-Control"))
	_, body, hdr = s.get(t, "/app.11111111.js")
	assert.Equal(t, "r1()", body)
	assert.Equal(t, cloud.CacheImmutable, hdr.Get("Cache-Control"))
	assert.Equal(t, "text/javascript; charset=utf-8", hdr.Get("Content-Type"))

	s.switchTo("r2")
	_, body, _ = s.get(t, "/kirikae-release.json")
	assert.JSONEq(t, `{"version":"r2"}`, body)
	_, body, _ = s.get(t, "/index.html")
	assert.Equal(t, `<script src="app.22222222.js"></script>`, body)
	_, body, _ = s.get(t, "/app.11111111.js")
	assert.Equal(t, "r1()", body, "r1's page loaded before the switch still finds its asset")
	_, body, _ = s.get(t, "/app.22222222.js")
	assert.Equal(t, "r2()", body)
	code, _, _ = s.get(t, "/app.33333333.js")
	assert.Equal(t, http.StatusNotFound, code, "a hashed name nobody uploaded")
}

func TestMissingKeyThroughOACIs403WithoutListBucket(t *testing.T) {
	s := newKVSSite(t, false, "s3:GetObject")
	code, _, _ := s.get(t, "/missing.js")
	assert.Equal(t, http.StatusForbidden, code)
	code, _, _ = s.get(t, "/index.html")
	assert.Equal(t, http.StatusOK, code)

	none := newKVSSite(t, false)
	code, _, _ = none.get(t, "/index.html")
	assert.Equal(t, http.StatusForbidden, code, "no bucket policy: the distribution may read nothing")
}

func TestSpaFallbackServesIndexForRoutes(t *testing.T) {
	s := newKVSSite(t, true, "s3:GetObject", "s3:ListBucket")
	code, body, _ := s.get(t, "/orders/42")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "app.11111111.js")
	code, _, _ = s.get(t, "/missing.css")
	assert.Equal(t, http.StatusNotFound, code, "a file path is not an app route")

	plain := newKVSSite(t, false, "s3:GetObject", "s3:ListBucket")
	code, _, _ = plain.get(t, "/orders/42")
	assert.Equal(t, http.StatusNotFound, code)
}

func TestNoLiveReleaseKeyIs503FromTheFunction(t *testing.T) {
	s := newKVSSite(t, false, "s3:GetObject", "s3:ListBucket")
	s.h.delete(s.key)
	code, _, _ := s.get(t, "/")
	assert.Equal(t, http.StatusServiceUnavailable, code)
}

// A key update reaches the edges after the propagation delay: until then
// the function still reads the old value.
func TestKeyUpdatePropagatesAfterADelay(t *testing.T) {
	t.Setenv("KIRIKAE_SANDBOX_TIME_SCALE", "0.02") // 10 s → 200 ms
	s := newKVSSite(t, false, "s3:GetObject", "s3:ListBucket")
	time.Sleep(250 * time.Millisecond)
	s.switchTo("r2")
	_, body, _ := s.get(t, "/kirikae-release.json")
	assert.JSONEq(t, `{"version":"r1"}`, body, "not yet at the edge")
	time.Sleep(250 * time.Millisecond)
	_, body, _ = s.get(t, "/kirikae-release.json")
	assert.JSONEq(t, `{"version":"r2"}`, body)
}

// The edge keeps a cached object until it expires or an invalidation
// covering it completes; an invalidation in progress changes nothing yet.
func TestEdgeCacheServesUntilTheInvalidationCompletes(t *testing.T) {
	t.Setenv("KIRIKAE_SANDBOX_TIME_SCALE", "0.005") // invalidation 60 s → 300 ms
	s := newKVSSite(t, false, "s3:GetObject", "s3:ListBucket")
	time.Sleep(50 * time.Millisecond) // the key reaches the edges
	_, body, hdr := s.get(t, "/app.11111111.js")
	assert.Equal(t, "r1()", body)
	assert.Equal(t, "Miss from cloudfront", hdr.Get("X-Cache"))
	require.NoError(t, s.c.PutObjectMeta(t.Context(), s.bucket, "assets/app.11111111.js", []byte("changed()"), cloud.ObjectMeta{}))
	_, body, hdr = s.get(t, "/app.11111111.js")
	assert.Equal(t, "r1()", body, "served from the edge cache")
	assert.Equal(t, "Hit from cloudfront", hdr.Get("X-Cache"))

	require.NoError(t, s.c.Invalidate(t.Context(), s.dist, []string{"/*"}))
	invs, err := cloudfront.Invalidations(s.h.acct, s.dist)
	require.NoError(t, err)
	require.Len(t, invs, 1)
	assert.Equal(t, "InProgress", invs[0].Status(time.Now()))
	_, body, _ = s.get(t, "/app.11111111.js")
	assert.Equal(t, "r1()", body, "the invalidation has not completed")

	start := time.Now()
	require.NoError(t, s.c.InvalidateAndWait(t.Context(), s.dist, []string{"/assets/*"}, cloud.WaitOptions{MaxWait: 5 * time.Second, MinDelay: 20 * time.Millisecond, MaxDelay: 50 * time.Millisecond}))
	assert.GreaterOrEqual(t, time.Since(start), 250*time.Millisecond, "the waiter waited for Completed")
	_, body, hdr = s.get(t, "/app.11111111.js")
	assert.Equal(t, "changed()", body)
	assert.Equal(t, "Miss from cloudfront", hdr.Get("X-Cache"))
}

func TestInvalidationWaitPastItsDeadlineIsATypedError(t *testing.T) {
	t.Setenv("KIRIKAE_SANDBOX_TIME_SCALE", "0.05") // 3 s
	s := newKVSSite(t, false, "s3:GetObject")
	err := s.c.InvalidateAndWait(t.Context(), s.dist, []string{"/*"}, cloud.WaitOptions{MaxWait: 200 * time.Millisecond, MinDelay: 20 * time.Millisecond, MaxDelay: 50 * time.Millisecond})
	var timeout *cloud.InvalidationTimeoutError
	require.ErrorAs(t, err, &timeout)
	assert.Equal(t, s.dist, timeout.Distribution)
}

func TestCacheTTLFollowsCacheControlWithinThePolicy(t *testing.T) {
	p := cloudfront.ManagedPolicies["658327ea-f89d-4fab-a63d-7e88639e58f6"]
	assert.Equal(t, time.Second, p.Ttl("no-cache"), "CachingOptimized's minimum TTL")
	assert.Equal(t, 365*24*time.Hour, p.Ttl(cloud.CacheImmutable))
	assert.Equal(t, 24*time.Hour, p.Ttl(""))
	assert.Equal(t, 60*time.Second, p.Ttl("max-age=600, s-maxage=60"))
	assert.Zero(t, cloudfront.ManagedPolicies["4135ea2d-6df8-44a3-9df3-4b5a84be39ad"].Ttl("max-age=600"))
}

func TestFunctionCodeThatDoesNotCompileIsRejected(t *testing.T) {
	h := newHarness(t)
	chk := h.check(core.TokFunction, "f", nil, pmap(map[string]any{"name": "f", "runtime": "cloudfront-js-2.0", "code": "function handler(event) {"}))
	require.Len(t, chk.Failures, 1)
	assert.Equal(t, "code", chk.Failures[0].Property)
	chk = h.check(core.TokFunction, "f", nil, pmap(map[string]any{"name": "f", "runtime": "nodejs20.x", "code": "function handler(e) { return e.request }"}))
	require.Len(t, chk.Failures, 1)
	assert.Equal(t, "runtime", chk.Failures[0].Property)
}

func TestFunctionRuntimeLimits(t *testing.T) {
	_, err := cloudfront.CompileFunction("import crypto from 'crypto';\nfunction handler(e) { return e.request }")
	assert.ErrorContains(t, err, "only the 'cloudfront' module")
	ev := cloudfront.CFEvent{Version: "1.0", Request: cloudfront.CFRequest{Method: "GET", URI: "/"}}
	_, _, err = cloudfront.RunViewerRequest("function handler(e) { while (true) {} }", ev, nil)
	assert.ErrorContains(t, err, "compute budget")
	_, _, err = cloudfront.RunViewerRequest("function handler(e) { e.request.uri = 'x'; return e.request }", ev, nil)
	assert.ErrorContains(t, err, "invalid uri")
	req, resp, err := cloudfront.RunViewerRequest("function handler(e) { e.request.headers['x-a'] = {value: 'b'}; return e.request }", ev, nil)
	require.NoError(t, err)
	assert.Nil(t, resp)
	assert.Equal(t, "b", req.Headers["x-a"].Value)
	_, resp, err = cloudfront.RunViewerRequest("function handler(e) { return {statusCode: 302, headers: {location: {value: '/x'}}} }", ev, nil)
	require.NoError(t, err)
	assert.Equal(t, "/x", frontdoor.FunctionResponse(resp).Headers["Location"])
}
