package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/app/api"
)

func serve(t *testing.T, version, method, target string) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	api.New(version).ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return string(raw)
}

func TestHealthz(t *testing.T) {
	res := serve(t, "v1", http.MethodGet, "/healthz")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "ok", body(t, res))
	assert.Equal(t, "text/plain; charset=utf-8", res.Header.Get("Content-Type"))
}

func TestVersionReportsBakedVersion(t *testing.T) {
	for _, v := range []string{"dev", "v1.4.2", "3f2a9c1"} {
		res := serve(t, v, http.MethodGet, "/version")
		require.Equal(t, http.StatusOK, res.StatusCode)
		assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
		var got map[string]string
		require.NoError(t, json.Unmarshal([]byte(body(t, res)), &got))
		assert.Equal(t, map[string]string{"version": v}, got)
	}
}

func TestVersionHeaderOnEveryResponse(t *testing.T) {
	for _, path := range []string{"/healthz", "/version", "/api/hello", "/nope"} {
		res := serve(t, "v7", http.MethodGet, path)
		assert.Equal(t, "v7", res.Header.Get(api.VersionHeader), path)
	}
}

func TestHello(t *testing.T) {
	res := serve(t, "v1", http.MethodGet, "/api/hello")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.JSONEq(t, `{"message":"hello, world"}`, body(t, res))

	res = serve(t, "v1", http.MethodGet, "/api/hello?name=kirikae")
	assert.JSONEq(t, `{"message":"hello, kirikae"}`, body(t, res))
}

func TestUnknownPathIs404(t *testing.T) {
	for _, path := range []string{"/", "/api", "/api/nope", "/healthz/extra"} {
		res := serve(t, "v1", http.MethodGet, path)
		assert.Equal(t, http.StatusNotFound, res.StatusCode, path)
		assert.JSONEq(t, `{"error":"not found"}`, body(t, res), path)
	}
}

func TestWrongMethodIs405(t *testing.T) {
	res := serve(t, "v1", http.MethodPost, "/version")
	assert.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
	assert.Contains(t, res.Header.Get("Allow"), http.MethodGet)
}

func TestHeadHealthz(t *testing.T) {
	// Load balancers may probe with HEAD; GET patterns also match HEAD.
	res := serve(t, "v1", http.MethodHead, "/healthz")
	assert.Equal(t, http.StatusOK, res.StatusCode)
}

func TestOnLambdaReportsTheFunctionVersion(t *testing.T) {
	rec := httptest.NewRecorder()
	api.NewOnLambda("v1", "7").ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/version", nil))
	var got map[string]string
	require.NoError(t, json.NewDecoder(rec.Body).Decode(&got))
	assert.Equal(t, map[string]string{"version": "v1", "functionVersion": "7"}, got)
	assert.Equal(t, "7", rec.Header().Get(api.FunctionVersionHeader))
}
