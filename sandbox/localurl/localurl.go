// Package localurl opens each public endpoint of a sandbox stack — the API
// url, the test listener's url, the frontend — at an address of its own,
// http://127.0.0.1:PORT/, that a browser opens as it is.
//
// The sandbox's front door routes by host name, as the load balancer, API
// Gateway and CloudFront do; a browser cannot send another host than the
// one it was given, and `*.elb.amazonaws.com` does not resolve to this
// machine. Each local port stands for one host name: a request to it goes
// to the front door with that host (and the endpoint's path prefix), so
// what answers is what the simulated AWS routes to. The host is read from
// the stack's outputs on every request, so a deploy that replaces the load
// balancer or the distribution is followed without a restart.
package localurl

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
)

// Route is one endpoint: the output that names it and how to read that
// output's current value (an absolute URL).
type Route struct {
	Output string
	Target func() (string, error)
}

// ErrNoTarget is what Target returns while the stack has no such output
// (not deployed yet, no test listener, no frontend).
var ErrNoTarget = errors.New("no such endpoint")

// Server serves every route until Close.
type Server struct {
	// URLs maps each route's output name to its local URL.
	URLs      map[string]string
	servers   []*http.Server
	listeners []net.Listener
}

// Start opens one port per route on 127.0.0.1 and serves them.
func Start(frontDoor string, basePort int, routes []Route) (*Server, error) {
	s, err := Open(frontDoor, basePort, routes)
	if err != nil {
		return nil, err
	}
	s.Serve()
	return s, nil
}

// Open opens one port per route on 127.0.0.1: basePort, basePort+1, … in
// route order, or free ports when basePort is 0. frontDoor is the front
// door's host:port. Connections wait in the ports' backlogs until Serve,
// so the URLs can be announced before anyone is answered. Like the
// sandbox's other doors, a port serves only this user's processes
// (core.ListenOwnerAt).
func Open(frontDoor string, basePort int, routes []Route) (*Server, error) {
	s := &Server{URLs: map[string]string{}}
	for i, r := range routes {
		port := 0
		if basePort > 0 {
			port = basePort + i
		}
		ln, err := core.ListenOwnerAt(net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			_ = s.Close()
			return nil, fmt.Errorf("open local port for %s: %w", r.Output, err)
		}
		local := "http://" + ln.Addr().String()
		srv := &http.Server{Handler: proxy(frontDoor, local, r), ReadHeaderTimeout: 10 * time.Second}
		s.servers = append(s.servers, srv)
		s.listeners = append(s.listeners, ln)
		s.URLs[r.Output] = local
	}
	return s, nil
}

// Serve answers on every port opened by Open.
func (s *Server) Serve() {
	for i, srv := range s.servers {
		go func() { _ = srv.Serve(s.listeners[i]) }()
	}
}

// Close stops every port.
func (s *Server) Close() error {
	var errs []error
	for i, srv := range s.servers {
		errs = append(errs, srv.Close(), ignoreClosed(s.listeners[i].Close()))
	}
	return errors.Join(errs...)
}

func proxy(frontDoor, local string, r Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		raw, err := r.Target()
		if errors.Is(err, ErrNoTarget) {
			http.Error(w, fmt.Sprintf("the stack has no %s output yet (deploy it with kirikae up)", r.Output), http.StatusServiceUnavailable)
			return
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		target, err := url.Parse(raw)
		if err != nil || target.Host == "" {
			http.Error(w, fmt.Sprintf("output %s is not a URL: %q", r.Output, raw), http.StatusBadGateway)
			return
		}
		rp := &httputil.ReverseProxy{
			Rewrite: func(pr *httputil.ProxyRequest) {
				pr.Out.URL.Scheme = "http"
				pr.Out.URL.Host = frontDoor
				pr.Out.URL.Path = joinPath(target.Path, pr.In.URL.Path)
				pr.Out.URL.RawPath = ""
				pr.Out.Host = target.Host
			},
			// A redirect to the endpoint's own URL stays on the local port.
			ModifyResponse: func(resp *http.Response) error {
				loc := resp.Header.Get("Location")
				if u, err := url.Parse(loc); err == nil && u.Host == target.Host {
					resp.Header.Set("Location", local+strings.TrimPrefix(u.RequestURI(), strings.TrimSuffix(target.Path, "/")))
				}
				return nil
			},
		}
		rp.ServeHTTP(w, req)
	})
}

// joinPath puts the endpoint's path prefix (an API Gateway stage) before
// the request's path.
func joinPath(prefix, p string) string {
	prefix = strings.TrimSuffix(prefix, "/")
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return prefix + p
}

func ignoreClosed(err error) error {
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
