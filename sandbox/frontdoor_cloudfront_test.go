package sandbox

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/verify"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/frontdoor"
)

func fetch(t *testing.T, h http.Handler, host, path string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Host = host
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// site uploads two releases to bucket "site" as kirikae does (each object
// with the content type kirikae picks for it, except the script, uploaded
// with none) and points a distribution at r2.
func site(t *testing.T, h *harness, extra map[string]any) string {
	h.create(bucketType, "site", pmap(map[string]any{"bucket": "site"}))
	c := h.cloud()
	for key, body := range map[string]string{
		"releases/r1/index.html":           "<p>r1</p>",
		"releases/r2/index.html":           "<p>r2</p>",
		"releases/r2/kirikae-release.json": `{"version":"r2"}`,
		"releases/r2/assets/app.js":        "console.log(2)",
	} {
		contentType := cloud.ContentType(key)
		if key == "releases/r2/assets/app.js" {
			contentType = ""
		}
		require.NoError(t, c.PutObject(t.Context(), "site", key, []byte(body), contentType))
	}
	return core.Str(distribution(h, extra).outs, "domainName")
}

func TestCloudFrontServesObjectsUnderTheOriginPath(t *testing.T) {
	h := newHarness(t)
	host := site(t, h, nil)
	handler := frontdoor.Handler(h.acct)

	rec := fetch(t, handler, host, "/")
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "<p>r2</p>", rec.Body.String(), "the default root object of the live release")
	assert.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))

	rec = fetch(t, handler, host, "/kirikae-release.json")
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.JSONEq(t, `{"version":"r2"}`, rec.Body.String())
	assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))

	rec = fetch(t, handler, host, "/assets/app.js")
	assert.Equal(t, "console.log(2)", rec.Body.String())
	assert.Equal(t, "binary/octet-stream", rec.Header().Get("Content-Type"),
		"uploaded without a content type: S3's default, never one guessed from the key")

	// S3 answers an anonymous read of a missing key 403 (no ListBucket).
	assert.Equal(t, http.StatusForbidden, fetch(t, handler, host, "/missing.css").Code)
}

func TestCloudFrontUnhealthyReleaseIs503(t *testing.T) {
	h := newHarness(t)
	host := site(t, h, nil)
	require.NoError(t, frontdoor.MarkUnhealthy(h.acct, "r2"))
	rec := fetch(t, frontdoor.Handler(h.acct), host, "/kirikae-release.json")
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	require.NoError(t, frontdoor.MarkHealthy(h.acct, "r2"))
	assert.Equal(t, http.StatusOK, fetch(t, frontdoor.Handler(h.acct), host, "/kirikae-release.json").Code)
}

func TestCloudFrontCustomErrorResponseServesTheAppShell(t *testing.T) {
	h := newHarness(t)
	host := site(t, h, map[string]any{"customErrorResponses": []any{
		map[string]any{"errorCode": 403, "responseCode": 200, "responsePagePath": "/index.html"}}})
	rec := fetch(t, frontdoor.Handler(h.acct), host, "/deep/link")
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "<p>r2</p>", rec.Body.String())
}

// A release prefix nothing was uploaded to is a missing key in S3: the
// anonymous read is 403 (no s3:ListBucket), passed on by CloudFront, and
// nothing names a release the bucket does not hold.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-403-permission-denied.html
func TestCloudFrontWithoutUploadsAnswersS3sError(t *testing.T) {
	h := newHarness(t)
	host := site(t, h, map[string]any{"origins": []any{map[string]any{"originId": "s3",
		"domainName": "site.s3.us-east-1.amazonaws.com", "originPath": "/releases/r3"}}})
	rec := fetch(t, frontdoor.Handler(h.acct), host, "/kirikae-release.json")
	assert.Equal(t, http.StatusForbidden, rec.Code)
	assert.Contains(t, rec.Body.String(), "AccessDenied")
	assert.NotContains(t, rec.Body.String(), "r3")
	assert.Empty(t, rec.Header().Get("X-Kirikae-Version"))
}

// An origin the sandbox does not simulate (not S3) cannot be reached:
// CloudFront's 502, never an answer made up in its place.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-502-bad-gateway.html
func TestCloudFrontCustomOriginIs502(t *testing.T) {
	h := newHarness(t)
	host := core.Str(distribution(h, map[string]any{"origins": []any{map[string]any{"originId": "web",
		"domainName": "origin.example.com", "originPath": "/releases/r4"}}}).outs, "domainName")
	rec := fetch(t, frontdoor.Handler(h.acct), host, "/")
	assert.Equal(t, http.StatusBadGateway, rec.Code)
	assert.NotContains(t, rec.Body.String(), "r4")
}

func TestVerifyPassesAgainstTheSimulatedCloudFront(t *testing.T) {
	h := newHarness(t)
	host := site(t, h, nil)
	addr, closer, err := frontdoor.ListenHTTP(t.Context(), h.acct)
	require.NoError(t, err)
	defer closer.Close()
	check := verify.Check{Name: "frontend", URL: "https://" + host, Path: "/kirikae-release.json", ExpectVersion: "r2"}
	opts := verify.Options{Client: FrontDoorClient(addr)}
	_, err = verify.Run(t.Context(), []verify.Check{check}, opts)
	require.NoError(t, err)

	require.NoError(t, frontdoor.MarkUnhealthy(h.acct, "r2"))
	_, err = verify.Run(t.Context(), []verify.Check{check}, opts)
	assert.ErrorContains(t, err, "status 503")
}
