package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync/atomic"
)

// MarkUnhealthy makes the front door answer 503 for a version, so deploy
// verification and rollback can be exercised.
func (a *Account) MarkUnhealthy(version string) error {
	return a.update(func(st *state) error { st.Unhealthy[version] = true; return nil })
}

// MarkHealthy undoes MarkUnhealthy.
func (a *Account) MarkHealthy(version string) error {
	return a.update(func(st *state) error { delete(st.Unhealthy, version); return nil })
}

// answer is what the simulated endpoints serve: which release is live.
type answer struct {
	Version string `json:"version"`
	Color   string `json:"color,omitempty"`
}

// Handler serves simulated ALB, API Gateway and CloudFront endpoints, chosen
// by the request's Host. ALB and API Gateway answer every path with the
// version the simulated infrastructure routes to right now, as a JSON
// {"version": ...} body and the X-Kirikae-Version header. CloudFront serves
// the uploaded objects of the release its origin path points at; an origin
// path with no objects at all answers like the others, for sites that were
// never uploaded.
func (a *Account) Handler() http.Handler {
	var requests atomic.Uint64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		var ans answer
		var file *servedFile
		var unhealthy bool
		err := a.view(func(st *state) error {
			ix := newIndex(st)
			var err error
			if file, err = a.cloudFrontFile(st, ix, host, r.URL.Path); err != nil || file != nil {
				if file != nil {
					ans = answer{Version: file.release}
					unhealthy = st.Unhealthy[file.release]
				}
				return err
			}
			ans, err = route(ix, host, requests.Add(1)-1)
			ans.Version = st.pulledVersion(ans.Version)
			unhealthy = st.Unhealthy[ans.Version]
			return err
		})
		switch {
		case errors.Is(err, errNoHost):
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		case err != nil:
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		case file != nil && !unhealthy:
			w.Header().Set("Content-Type", file.contentType)
			w.WriteHeader(file.status)
			_, _ = w.Write(file.body)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if ans.Version != "" {
			w.Header().Set(versionHeader, ans.Version)
		}
		if unhealthy {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(ans)
	})
}

// versionHeader matches verify.VersionHeader; sandbox cannot import verify
// without making verification depend on the simulator.
const versionHeader = "X-Kirikae-Version"

// ListenHTTP serves Handler on 127.0.0.1 until the closer is called or ctx
// ends. Clients reach a simulated endpoint by sending its host name in the
// Host header to addr.
func ListenHTTP(ctx context.Context, a *Account) (string, io.Closer, error) {
	lis, err := listenOwner()
	if err != nil {
		return "", nil, fmt.Errorf("listen for sandbox front door: %w", err)
	}
	srv := &http.Server{Handler: a.Handler()}
	go func() { _ = srv.Serve(lis) }()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	return lis.Addr().String(), srv, nil
}

var errNoHost = errors.New("no simulated endpoint")

// index is a plain-valued view of the account for routing.
type index map[string][]map[string]any // type -> outputs

func newIndex(st *state) index {
	keys := make([]string, 0, len(st.Resources))
	for k := range st.Resources {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic choice among equals
	ix := index{}
	for _, k := range keys {
		r := st.Resources[k]
		outs, _ := plain(r.Outputs).(map[string]any)
		if outs == nil {
			outs = map[string]any{}
		}
		outs["id"] = r.ID
		if running, ok := st.Running[r.ID]; ok && r.Type == tokService {
			// After a circuit-breaker rollback the old tasks keep serving.
			outs["taskDefinition"] = running
		}
		ix[r.Type] = append(ix[r.Type], outs)
	}
	return ix
}

// find returns resources of typ whose prop equals value.
func (ix index) find(typ, prop, value string) []map[string]any {
	var out []map[string]any
	for _, o := range ix[typ] {
		if s, _ := o[prop].(string); s == value {
			out = append(out, o)
		}
	}
	return out
}

func route(ix index, host string, n uint64) (answer, error) {
	if lbs := ix.find("aws:lb/loadBalancer:LoadBalancer", "dnsName", host); len(lbs) > 0 {
		return routeALB(ix, lbs[0], n)
	}
	for _, api := range ix["aws:apigatewayv2/api:Api"] {
		if ep, _ := api["apiEndpoint"].(string); strings.TrimPrefix(strings.TrimPrefix(ep, "https://"), "wss://") == host {
			return routeAPI(ix, api, n)
		}
	}
	if ds := ix.find("aws:cloudfront/distribution:Distribution", "domainName", host); len(ds) > 0 {
		origins, _ := ds[0]["origins"].([]any)
		if len(origins) == 0 {
			return answer{}, fmt.Errorf("distribution %s has no origin", ds[0]["id"])
		}
		o, _ := origins[0].(map[string]any)
		p, _ := o["originPath"].(string)
		return answer{Version: lastSegment(strings.TrimSuffix(p, "/"), "/")}, nil
	}
	return answer{}, fmt.Errorf("%w for host %q", errNoHost, host)
}
