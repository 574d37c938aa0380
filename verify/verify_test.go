package verify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serve answers with fn(n), n counting requests from 1, and records the
// paths it saw.
func serve(t *testing.T, fn func(n int64, w http.ResponseWriter)) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		fn(n.Add(1), w)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func version(v string) func(int64, http.ResponseWriter) {
	return func(_ int64, w http.ResponseWriter) { fmt.Fprintf(w, `{"version":%q}`, v) }
}

func TestFlakyThenHealthyPassesOnThirdAttempt(t *testing.T) {
	srv, n := serve(t, func(n int64, w http.ResponseWriter) {
		if n < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		fmt.Fprint(w, `{"version":"v3"}`)
	})
	res, err := Run(t.Context(), []Check{{Name: "api", URL: srv.URL + "/", Path: "healthz", ExpectVersion: "v3"}},
		Options{Attempts: 5})
	require.NoError(t, err)
	assert.Equal(t, int64(3), n.Load())
	require.Len(t, res, 1)
	assert.True(t, res[0].OK)
	assert.Equal(t, 3, res[0].Attempts)
	assert.Equal(t, http.StatusOK, res[0].Status)
	assert.Equal(t, "v3", res[0].Version)
	assert.Empty(t, res[0].Err)
}

func TestAlways503FailsNamingTheCheck(t *testing.T) {
	srv, n := serve(t, func(_ int64, w http.ResponseWriter) { w.WriteHeader(http.StatusServiceUnavailable) })
	res, err := Run(t.Context(), []Check{{Name: "api", URL: srv.URL, Path: "/healthz", ExpectStatus: 200}},
		Options{Attempts: 5})
	var failed *FailedError
	require.ErrorAs(t, err, &failed)
	assert.Equal(t, "verify api: GET "+srv.URL+"/healthz: status 503 after 5 attempts (want 200)", err.Error())
	assert.Equal(t, int64(5), n.Load())
	assert.Equal(t, res, failed.Results)
	assert.False(t, res[0].OK)
	assert.Equal(t, 503, res[0].Status)
}

func TestWrongVersionFails(t *testing.T) {
	srv, _ := serve(t, version("v2"))
	res, err := Run(t.Context(), []Check{{Name: "frontend", URL: srv.URL, Path: "/healthz", ExpectVersion: "v3"}},
		Options{Attempts: 2})
	require.Error(t, err)
	assert.Equal(t, "verify frontend: GET "+srv.URL+"/healthz: served version v2 after 2 attempts (want v3)", err.Error())
	assert.Equal(t, "v2", res[0].Version)
	assert.Equal(t, 200, res[0].Status)
}

func TestMissingVersionFailsOnlyWhenExpected(t *testing.T) {
	srv, _ := serve(t, func(_ int64, w http.ResponseWriter) { fmt.Fprint(w, "ok") })
	_, err := Run(t.Context(), []Check{{Name: "api", URL: srv.URL, Path: "/healthz"}}, Options{})
	require.NoError(t, err)

	_, err = Run(t.Context(), []Check{{Name: "api", URL: srv.URL, Path: "/healthz", ExpectVersion: "v1"}}, Options{})
	require.Error(t, err)
	assert.Equal(t, "verify api: GET "+srv.URL+"/healthz: did not report a version after 1 attempt (want v1)", err.Error())
}

func TestVersionFromHeaderWhenBodyHasNone(t *testing.T) {
	srv, _ := serve(t, func(_ int64, w http.ResponseWriter) {
		w.Header().Set(VersionHeader, "v7")
		fmt.Fprint(w, `{"status":"ok"}`)
	})
	res, err := Run(t.Context(), []Check{{Name: "api", URL: srv.URL, Path: "/healthz", ExpectVersion: "v7"}}, Options{})
	require.NoError(t, err)
	assert.Equal(t, "v7", res[0].Version)
}

func TestBodyVersionWinsOverHeader(t *testing.T) {
	srv, _ := serve(t, func(_ int64, w http.ResponseWriter) {
		w.Header().Set(VersionHeader, "stale")
		fmt.Fprint(w, `{"version":"v8"}`)
	})
	res, err := Run(t.Context(), []Check{{Name: "api", URL: srv.URL, Path: "/healthz", ExpectVersion: "v8"}}, Options{})
	require.NoError(t, err)
	assert.Equal(t, "v8", res[0].Version)
}

func TestOnlyFailedChecksAreNamedAndOrderIsKept(t *testing.T) {
	good, _ := serve(t, version("v1"))
	bad, _ := serve(t, func(_ int64, w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) })
	res, err := Run(t.Context(), []Check{
		{Name: "frontend", URL: good.URL, Path: "/healthz", ExpectVersion: "v1"},
		{Name: "api", URL: bad.URL, Path: "/healthz"},
	}, Options{Attempts: 2})
	var failed *FailedError
	require.ErrorAs(t, err, &failed)
	assert.Equal(t, "verify api: GET "+bad.URL+"/healthz: status 502 after 2 attempts (want 200)", err.Error())
	require.Len(t, res, 2)
	assert.Equal(t, "frontend", res[0].Check.Name)
	assert.True(t, res[0].OK)
	assert.Equal(t, []Result{res[1]}, failed.Failed())
}

func TestUnreachableHostFails(t *testing.T) {
	srv, _ := serve(t, version("v1"))
	url := srv.URL
	srv.Close()
	res, err := Run(t.Context(), []Check{{Name: "api", URL: url, Path: "/healthz"}}, Options{Attempts: 2})
	require.Error(t, err)
	assert.Equal(t, 2, res[0].Attempts)
	assert.Contains(t, res[0].Err, "after 2 attempts (want 200)")
	assert.Zero(t, res[0].Status)
}

func TestMissingURLFailsWithoutRequest(t *testing.T) {
	res, err := Run(t.Context(), []Check{{Name: "api", Path: "/healthz"}}, Options{Attempts: 3})
	require.Error(t, err)
	assert.Zero(t, res[0].Attempts)
	assert.Contains(t, err.Error(), "verify api: no URL")
}

func TestOverallTimeoutStopsRetrying(t *testing.T) {
	// The server never answers, so only the Timeout can end the run.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(srv.Close)
	res, err := Run(t.Context(), []Check{{Name: "api", URL: srv.URL, Path: "/healthz"}},
		Options{Attempts: 1000, Timeout: 20 * time.Millisecond})
	var failed *FailedError
	require.ErrorAs(t, err, &failed)
	assert.Equal(t, 1, res[0].Attempts)
	assert.Contains(t, err.Error(), context.DeadlineExceeded.Error())
}

func TestCancelledContextIsNotAVerificationFailure(t *testing.T) {
	srv, n := serve(t, version("v1"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Run(ctx, []Check{{Name: "api", URL: srv.URL, Path: "/healthz"}}, Options{Attempts: 3})
	require.ErrorIs(t, err, context.Canceled)
	var failed *FailedError
	assert.False(t, errors.As(err, &failed))
	assert.Zero(t, n.Load())
}

func TestIntervalWaitEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	assert.False(t, wait(ctx, time.Hour))
	assert.True(t, wait(t.Context(), 0))
}

// A Lambda check compares the published version that served the request,
// from the body or, on a path with no JSON body, the header.
func TestFunctionVersionField(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(VersionHeader, "v1")
		w.Header().Set(FunctionVersionHeader, "7")
		if r.URL.Path == "/version" {
			fmt.Fprint(w, `{"version":"v1","functionVersion":"7"}`)
			return
		}
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	for _, path := range []string{"/version", "/healthz"} {
		res, err := Run(context.Background(), []Check{{Name: "api", URL: srv.URL, Path: path, ExpectVersion: "7", VersionField: FunctionVersionField}}, Options{})
		require.NoError(t, err, path)
		assert.Equal(t, "7", res[0].Version)
		_, err = Run(context.Background(), []Check{{Name: "api", URL: srv.URL, Path: path, ExpectVersion: "6", VersionField: FunctionVersionField}}, Options{})
		require.Error(t, err, path)
	}
}
