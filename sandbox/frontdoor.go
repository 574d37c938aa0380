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

// MarkUnhealthy makes the front door answer 503 for a CloudFront release's
// objects, so a broken frontend release can be exercised. ECS and Lambda
// releases fail for real instead: push an image or deploy code that
// crashes, fails its health check or answers 5xx.
func (a *Account) MarkUnhealthy(version string) error {
	return a.update(func(st *state) error { st.Unhealthy[version] = true; return nil })
}

// MarkHealthy undoes MarkUnhealthy.
func (a *Account) MarkHealthy(version string) error {
	return a.update(func(st *state) error { delete(st.Unhealthy, version); return nil })
}

// answer is what a simulated endpoint without a runnable workload serves:
// which release is live.
type answer struct {
	Version string `json:"version"`
	Color   string `json:"color,omitempty"`
}

// Handler serves simulated ALB, API Gateway and CloudFront endpoints, chosen
// by the request's Host (and, for an ALB, the listener by the Host's port).
// ALB listeners forward to the healthy tasks of the ECS services registered
// with the target group their weights pick, and API Gateway invokes the
// code of the Lambda version its alias routes to: real programs answer
// (frontdoor_proxy.go). An image repository that holds no image at all (a
// stack deployed before anything was pushed) has nothing to run: those
// answer {"version": tag} as the service would. CloudFront serves objects
// from its S3 origin as CloudFront would, running the distribution's
// viewer-request function (frontdoor_cloudfront.go).
func (a *Account) Handler() http.Handler {
	var requests atomic.Uint64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, port := r.Host, ""
		if h, p, err := net.SplitHostPort(host); err == nil {
			host, port = h, p
		}
		var rt routed
		var file *servedFile
		var unhealthy bool
		err := a.view(func(st *state) error {
			ix := newIndex(st)
			var err error
			if file, err = a.cloudFrontFile(st, ix, host, r.URL.Path); err != nil || file != nil {
				if file != nil {
					unhealthy = st.Unhealthy[file.release]
				}
				return err
			}
			rt, err = route(st, ix, host, port, requests.Add(1)-1)
			if rt.kind == kindCloudFront {
				unhealthy = st.Unhealthy[rt.ans.Version]
			}
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
			for k, v := range file.headers {
				w.Header().Set(k, v)
			}
			w.Header().Set("Content-Type", file.contentType)
			w.WriteHeader(file.status)
			_, _ = w.Write(file.body)
			return
		case rt.kind == kindALB && !rt.legacy:
			a.proxyALB(w, r, rt)
			return
		case rt.kind == kindAPI && !rt.legacy:
			a.invokeAPI(w, r, rt)
			return
		}
		ans := rt.ans
		if file != nil {
			ans = answer{Version: file.release}
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
// Host header to addr. The workloads it starts stop when the closer is
// called, unless another user of the account in this process still runs.
func ListenHTTP(ctx context.Context, a *Account) (string, io.Closer, error) {
	lis, err := listenOwner()
	if err != nil {
		return "", nil, fmt.Errorf("listen for sandbox front door: %w", err)
	}
	srv := &http.Server{Handler: a.Handler()}
	c := &frontDoorCloser{srv: srv, release: a.holdWorkloads()}
	go func() { _ = srv.Serve(lis) }()
	go func() {
		<-ctx.Done()
		_ = c.Close()
	}()
	return lis.Addr().String(), c, nil
}

type frontDoorCloser struct {
	srv     *http.Server
	release func()
}

func (c *frontDoorCloser) Close() error {
	err := c.srv.Close()
	c.release()
	return err
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

// Kinds of routed requests.
const (
	kindALB = iota + 1
	kindAPI
	kindCloudFront
)

// routed is where a front door request goes.
type routed struct {
	kind   int
	ans    answer // what a legacy (nothing to run) endpoint answers
	legacy bool

	// ALB
	lbArn, targetGroup string
	lbSuffix, tgSuffix string   // CloudWatch's LoadBalancer and TargetGroup dimensions
	services           []string // ECS service ids registered with targetGroup

	// API Gateway → Lambda
	function, version, alias, codeLayer, arch, functionArn string
	env                                                    []string
	timeout                                                float64
}

func route(st *state, ix index, host, port string, n uint64) (routed, error) {
	if lbs := ix.find("aws:lb/loadBalancer:LoadBalancer", "dnsName", host); len(lbs) > 0 {
		return routeALB(st, ix, lbs[0], port, n)
	}
	for _, api := range ix["aws:apigatewayv2/api:Api"] {
		if ep, _ := api["apiEndpoint"].(string); strings.TrimPrefix(strings.TrimPrefix(ep, "https://"), "wss://") == host {
			return routeAPI(st, ix, api, n)
		}
	}
	if ds := ix.find("aws:cloudfront/distribution:Distribution", "domainName", host); len(ds) > 0 {
		origins, _ := ds[0]["origins"].([]any)
		if len(origins) == 0 {
			return routed{}, fmt.Errorf("distribution %s has no origin", ds[0]["id"])
		}
		o, _ := origins[0].(map[string]any)
		p, _ := o["originPath"].(string)
		return routed{kind: kindCloudFront, legacy: true, ans: answer{Version: lastSegment(strings.TrimSuffix(p, "/"), "/")}}, nil
	}
	return routed{}, fmt.Errorf("%w for host %q", errNoHost, host)
}
