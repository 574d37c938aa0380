// Package api is the example service kirikae deploys: the HTTP handler a team
// replaces with its own. The same handler runs as the ECS container's HTTP
// server (app/cmd/server) and behind API Gateway on Lambda (app/cmd/lambda),
// so both backends serve identical responses.
package api

import (
	"encoding/json"
	"net/http"
)

// VersionHeader carries the served version on every response. kirikae's
// verification accepts either this header or a JSON body {"version": …}; the
// header lets it verify on any path, including the plain-text health check.
const VersionHeader = "X-Kirikae-Version"

// FunctionVersionHeader carries the Lambda function version serving the
// request, when the handler runs on Lambda.
const FunctionVersionHeader = "X-Kirikae-Function-Version"

// New returns the service's handler. version is the release baked into the
// binary at build time (-ldflags -X main.Version=…): the service reports the
// code it runs, never a value infra hands it, so a deploy that did not
// actually switch code cannot pass verification.
func New(version string) http.Handler { return NewOnLambda(version, "") }

// NewOnLambda is New for a Lambda function: functionVersion is the
// published version Lambda runs it as (AWS_LAMBDA_FUNCTION_VERSION, set by
// the Lambda service, not by infra), reported beside the baked version so a
// check can tell which published version an alias really invoked.
func NewOnLambda(version, functionVersion string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok"))
	})
	mux.HandleFunc("GET /version", func(w http.ResponseWriter, _ *http.Request) {
		doc := map[string]string{"version": version}
		if functionVersion != "" {
			doc["functionVersion"] = functionVersion
		}
		writeJSON(w, http.StatusOK, doc)
	})
	mux.HandleFunc("GET /api/hello", func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("name")
		if name == "" {
			name = "world"
		}
		writeJSON(w, http.StatusOK, map[string]string{"message": "hello, " + name})
	})
	// The catch-all answers JSON like the other routes instead of the mux's
	// plain-text "404 page not found". It is GET-only so a wrong method on a
	// known path still gets the mux's 405 with an Allow header.
	mux.HandleFunc("GET /", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(VersionHeader, version)
		if functionVersion != "" {
			w.Header().Set(FunctionVersionHeader, functionVersion)
		}
		mux.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
