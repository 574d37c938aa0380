package verify

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// api answers like an app whose /api/hello is broken and whose /api/orders
// takes POSTs only.
func api(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/hello", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "database is down: dial tcp 10.0.0.5:5432: connection refused", http.StatusInternalServerError)
	})
	mux.HandleFunc("POST /api/orders", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"order":"o-1"}`)
	})
	mux.HandleFunc("GET /api/text", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, strings.Repeat("x", 500))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestSmokeCheckSendsItsMethodAndReadsTheBody(t *testing.T) {
	srv := api(t)
	res, err := Run(t.Context(), []Check{{Name: "smoke POST /api/orders", URL: srv.URL, Path: "/api/orders", Method: http.MethodPost,
		ExpectStatus: http.StatusCreated, ExpectText: `"order"`}}, Options{})
	require.NoError(t, err)
	assert.True(t, res[0].OK)

	// GET on a POST-only route is 405: the method is what was sent.
	_, err = Run(t.Context(), []Check{{Name: "smoke GET /api/orders", URL: srv.URL, Path: "/api/orders", ExpectStatus: http.StatusCreated}}, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "status 405")
}

// A failure names the check and quotes what it got.
func TestSmokeCheckFailureQuotesWhatItGot(t *testing.T) {
	srv := api(t)
	_, err := Run(t.Context(), []Check{{Name: "smoke GET /api/hello", URL: srv.URL, Path: "/api/hello", ExpectText: "hello"}}, Options{})
	require.Error(t, err)
	assert.Equal(t, `verify smoke GET /api/hello: GET `+srv.URL+`/api/hello: status 500 (body: "database is down: dial tcp 10.0.0.5:5432: connection refused") after 1 attempt (want 200)`, err.Error())

	_, err = Run(t.Context(), []Check{{Name: "smoke POST /api/orders", URL: srv.URL, Path: "/api/orders", Method: http.MethodPost,
		ExpectStatus: http.StatusCreated, ExpectText: "receipt"}}, Options{})
	require.Error(t, err)
	assert.Equal(t, `verify smoke POST /api/orders: POST `+srv.URL+`/api/orders: status 201 (body: "{\"order\":\"o-1\"}") after 1 attempt (want a body containing "receipt")`, err.Error())

	// A long body is cut, not pasted whole into the error.
	_, err = Run(t.Context(), []Check{{Name: "smoke", URL: srv.URL, Path: "/api/text", ExpectText: "y"}}, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), strings.Repeat("x", excerptLen)+`…"`)
	assert.NotContains(t, err.Error(), strings.Repeat("x", excerptLen+1))
}
