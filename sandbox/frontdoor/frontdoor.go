package frontdoor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/kirikae/kirikae/sandbox/cloudfront"
	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/workload"
)

// MarkUnhealthy makes the front door answer 503 for a CloudFront release's
// objects, so a broken frontend release can be exercised. ECS and Lambda
// releases fail for real instead: push an image or deploy code that
// crashes, fails its health check or answers 5xx.
func MarkUnhealthy(a *core.Account, version string) error {
	return a.Update(func(st *core.State) error { st.Unhealthy[version] = true; return nil })
}

// MarkHealthy undoes MarkUnhealthy.
func MarkHealthy(a *core.Account, version string) error {
	return a.Update(func(st *core.State) error { delete(st.Unhealthy, version); return nil })
}

// Handler serves simulated ALB, API Gateway and CloudFront endpoints, chosen
// by the request's Host (and, for an ALB, the listener by the Host's port).
// ALB listeners forward to the healthy tasks of the ECS services registered
// with the target group their weights pick, and API Gateway invokes the
// code of the Lambda version its alias routes to: real programs answer
// (frontdoor/proxy.go). Where no program runs nothing answers for it: the
// ALB answers 503 as with no healthy target, API Gateway 500 as when the
// function fails. CloudFront serves objects from its S3 origin as
// CloudFront would, S3's errors included, running the distribution's
// viewer-request function (frontdoor/cloudfront.go).
func Handler(a *core.Account) http.Handler {
	var requests atomic.Uint64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w, recorded := cloudFrontMetrics(a, w, r)
		defer recorded()
		host, port := r.Host, ""
		if h, p, err := net.SplitHostPort(host); err == nil {
			host, port = h, p
		}
		var rt workload.Routed
		var file *cloudfront.ServedFile
		var unhealthy bool
		err := a.View(func(st *core.State) error {
			ix := core.NewIndex(st)
			var err error
			if file, err = cloudFrontFile(a, st, ix, host, r.URL.Path); err != nil || file != nil {
				if file != nil {
					unhealthy = st.Unhealthy[file.Release]
				}
				return err
			}
			rt, err = route(st, ix, host, port, requests.Add(1)-1)
			return err
		})
		switch {
		case errors.Is(err, errNoHost):
			http.Error(w, err.Error(), http.StatusNotFound)
		case err != nil:
			http.Error(w, err.Error(), http.StatusBadGateway)
		case file != nil && unhealthy:
			// MarkUnhealthy: the origin fails for this release.
			// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-503-service-unavailable.html
			http.Error(w, "503 ERROR: the origin of release "+file.Release+" is marked unhealthy", http.StatusServiceUnavailable)
		case file != nil:
			for k, v := range file.Headers {
				w.Header().Set(k, v)
			}
			w.Header().Set("Content-Type", file.ContentType)
			w.WriteHeader(file.Status)
			_, _ = w.Write(file.Body)
		case rt.Kind == workload.KindALB:
			proxyALB(a, w, r, rt)
		case rt.Kind == workload.KindAPI:
			invokeAPI(a, w, r, rt)
		}
	})
}

// ListenHTTP serves Handler on 127.0.0.1 until the closer is called or ctx
// ends. Clients reach a simulated endpoint by sending its host name in the
// Host header to addr. The workloads it starts stop when the closer is
// called, unless another user of the account in this process still runs.
func ListenHTTP(ctx context.Context, a *core.Account) (string, io.Closer, error) {
	lis, err := core.ListenOwner()
	if err != nil {
		return "", nil, fmt.Errorf("listen for sandbox front door: %w", err)
	}
	srv := &http.Server{Handler: Handler(a)}
	c := &frontDoorCloser{srv: srv, release: workload.HoldWorkloads(a)}
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

func route(st *core.State, ix core.Index, host, port string, n uint64) (workload.Routed, error) {
	if lbs := ix.Find("aws:lb/loadBalancer:LoadBalancer", "dnsName", host); len(lbs) > 0 {
		return routeALB(st, ix, lbs[0], port, n)
	}
	for _, api := range ix["aws:apigatewayv2/api:Api"] {
		if ep, _ := api["apiEndpoint"].(string); strings.TrimPrefix(strings.TrimPrefix(ep, "https://"), "wss://") == host {
			return routeAPI(st, ix, api, n)
		}
	}
	return workload.Routed{}, fmt.Errorf("%w for host %q", errNoHost, host)
}
