package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// The static credentials the sandbox's AWS endpoint accepts. They are not
// secret: they only prove that a client was configured for this sandbox, the
// way a real account rejects keys it never issued.
const (
	AccessKeyID     = "AKIAKIRIKAESANDBOX00"
	SecretAccessKey = "kirikae/sandbox/not-a-secret/0123456789ab"
)

// Endpoint is a running local AWS endpoint plus the front door that answers
// for the simulated ALB, API Gateway and CloudFront host names.
type Endpoint struct {
	// URL is the AWS endpoint, e.g. http://127.0.0.1:41234: every service
	// (path-style S3, CloudFront, ECS, ECR, CloudWatch, Lambda, STS) answers
	// there, told apart by the service in the SigV4 credential scope.
	URL string
	// FrontDoor is host:port of the front door.
	FrontDoor string

	servers []*http.Server
	once    sync.Once
}

// Serve starts the AWS endpoint and the front door on loopback ports over the
// account in the background, until Close or ctx ends. Both read the account
// from disk on every request, so deploys running in other processes are
// seen at once.
func Serve(ctx context.Context, a *Account) (*Endpoint, error) {
	ep := &Endpoint{}
	apiAddr, err := ep.listen(a.APIHandler())
	if err != nil {
		return nil, fmt.Errorf("listen for sandbox AWS endpoint: %w", err)
	}
	fdAddr, err := ep.listen(a.Handler())
	if err != nil {
		_ = ep.Close()
		return nil, fmt.Errorf("listen for sandbox front door: %w", err)
	}
	ep.URL, ep.FrontDoor = "http://"+apiAddr, fdAddr
	go func() {
		<-ctx.Done()
		_ = ep.Close()
	}()
	return ep, nil
}

func (ep *Endpoint) listen(h http.Handler) (string, error) {
	lis, err := listenOwner()
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ep.servers = append(ep.servers, srv)
	go func() { _ = srv.Serve(lis) }()
	return lis.Addr().String(), nil
}

// Close stops both servers.
func (ep *Endpoint) Close() error {
	var errs []error
	ep.once.Do(func() {
		for _, s := range ep.servers {
			errs = append(errs, s.Close())
		}
	})
	return errors.Join(errs...)
}

// FrontDoorClient returns an HTTP client that sends every request to the
// front door, keeping the original host name, so verification makes real
// HTTP requests against the simulated ALB, API Gateway and CloudFront names.
func FrontDoorClient(frontDoor string) *http.Client {
	return &http.Client{
		Timeout:   10 * time.Second,
		Transport: &frontDoorTransport{addr: frontDoor, base: http.DefaultTransport},
	}
}

// frontDoorTransport rewrites every request to the front door over plain
// HTTP, whatever its scheme and host: simulated endpoints are https URLs
// like https://d1.cloudfront.net that no DNS or TLS would answer. The Host
// header keeps the original name so the front door can route.
type frontDoorTransport struct {
	addr string
	base http.RoundTripper
}

func (t *frontDoorTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.addr == "" {
		return nil, errors.New("sandbox front door is not running (no address given)")
	}
	out := req.Clone(req.Context())
	out.Host = req.URL.Host
	if req.Host != "" {
		out.Host = req.Host
	}
	out.URL.Scheme, out.URL.Host = "http", t.addr
	return t.base.RoundTrip(out)
}

// APIHandler serves the AWS APIs kirikae calls over their real wire
// protocols. Every request must carry a SigV4 signature made with the
// sandbox's credentials; the credential scope's service picks the API, as
// the host name would on AWS.
func (a *Account) APIHandler() http.Handler {
	s3 := a.s3Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "read request body: "+err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		auth, aerr := verifySigV4(r, body)
		svc := auth.service
		if aerr != nil {
			writeError(w, r, protocolOf(svc, r), aerr)
			return
		}
		// The body was consumed for the signature check; give it back.
		r.Body = io.NopCloser(bytes.NewReader(body))
		switch svc {
		case "s3":
			s3.ServeHTTP(w, r)
		case "sts":
			a.serveSTS(w, r)
		case "monitoring":
			a.serveCloudWatch(w, r, body)
		case "ecs":
			a.serveJSON11(w, r, body, ecsTargetPrefix, a.ecsOps())
		case "ecr":
			a.serveJSON11(w, r, body, ecrTargetPrefix, a.ecrOps())
		case "lambda":
			a.serveLambda(w, r)
		case "cloudfront":
			a.serveCloudFront(w, r, body)
		case "ssm":
			a.serveSSM(w, r, body)
		case "logs":
			a.serveLogs(w, r, body)
		case "sns":
			a.serveSNS(w, r)
		default:
			writeError(w, r, protoQuery, &apiError{Status: http.StatusBadRequest, Code: "UnknownOperationException",
				Message: fmt.Sprintf("the kirikae sandbox does not serve the AWS service %q", svc)})
		}
	})
}
