package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"sync"
	"time"

	"github.com/kirikae/kirikae/sandbox/apigateway"
	"github.com/kirikae/kirikae/sandbox/cloudfront"
	"github.com/kirikae/kirikae/sandbox/cloudwatch"
	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/dynamodb"
	"github.com/kirikae/kirikae/sandbox/ec2"
	"github.com/kirikae/kirikae/sandbox/ecr"
	"github.com/kirikae/kirikae/sandbox/ecs"
	"github.com/kirikae/kirikae/sandbox/elbv2"
	"github.com/kirikae/kirikae/sandbox/frontdoor"
	"github.com/kirikae/kirikae/sandbox/iam"
	"github.com/kirikae/kirikae/sandbox/lambda"
	"github.com/kirikae/kirikae/sandbox/logs"
	s3svc "github.com/kirikae/kirikae/sandbox/s3"
	"github.com/kirikae/kirikae/sandbox/sns"
	"github.com/kirikae/kirikae/sandbox/sqs"
	"github.com/kirikae/kirikae/sandbox/ssm"
	"github.com/kirikae/kirikae/sandbox/sts"
	"github.com/kirikae/kirikae/sandbox/workload"
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
	release func() // of the account's workloads
}

// serveAccount starts the AWS endpoint and the front door on loopback ports over the
// account in the background, until Close or ctx ends. Both read the account
// from disk on every request, so deploys running in other processes are
// seen at once.
func serveAccount(ctx context.Context, a *core.Account, opts ServeOptions) (*Endpoint, error) {
	ep := &Endpoint{release: workload.HoldWorkloads(a)}
	apiAddr, err := ep.listen(APIHandlerWith(a, iam.NewDirectory(a), opts.Buckets...))
	if err != nil {
		return nil, fmt.Errorf("listen for sandbox AWS endpoint: %w", err)
	}
	fdAddr, err := ep.listen(frontdoor.Handler(a))
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
	lis, err := core.ListenOwner()
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
		ep.release()
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
func APIHandler(a *core.Account) http.Handler { return APIHandlerWith(a, iam.NewDirectory(a)) }

// APIHandlerWith is APIHandler also accepting the credentials of the IAM
// role sessions dir holds, and authorising their requests against the
// roles' policies (endpoint_iam.go); a nil dir has no roles. APIHandler's
// directory holds the account's roles and the sessions its STS issued.
// buckets are served from their directories (ServeOptions.Buckets),
// authorised as any other bucket.
func APIHandlerWith(a *core.Account, dir *iam.Directory, buckets ...s3svc.DirBucket) http.Handler {
	s3 := s3svc.S3Handler(a, buckets...)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "read request body: "+err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		auth, aerr := core.VerifySigV4Keys(r, body, dir.Secret)
		svc := auth.Service
		if aerr == nil {
			aerr = authorize(dir, a, auth.AccessKey(), svc, auth.Region(), r, body)
		}
		if aerr != nil {
			core.WriteError(w, r, core.ProtocolOf(svc, r), aerr)
			return
		}
		// The body was consumed for the signature check; give it back.
		r.Body = io.NopCloser(bytes.NewReader(body))
		switch svc {
		case "s3":
			s3.ServeHTTP(w, r)
		case "sts":
			sts.ServeSTS(a, w, r)
		case "monitoring":
			cloudwatch.ServeCloudWatch(a, w, r, body, auth.Region())
		case "ecs":
			ops := ecs.Ops(a)
			maps.Copy(ops, ecs.TaskOps(a, workload.TaskRunner(a)))
			a.ServeJSON11(w, r, body, ecs.TargetPrefix, ops)
		case "ecr":
			a.ServeJSON11(w, r, body, ecr.TargetPrefix, ecr.Ops(a))
		case "lambda":
			if !lambda.ServeInvoke(a, w, r, workload.Invoker(a)) {
				lambda.ServeLambda(a, w, r)
			}
		case "cloudfront":
			cloudfront.ServeCloudFront(a, w, r, body)
		case "ssm":
			ssm.ServeSSM(a, w, r, body)
		case "logs":
			logs.ServeLogs(a, w, r, body)
		case "sns":
			sns.ServeSNS(a, w, r)
		case "ec2":
			ec2.Serve(a, w, r)
		case "iam":
			iam.Serve(a, w, r)
		case "elasticloadbalancing":
			elbv2.Serve(a, w, r)
		case "apigateway":
			apigateway.Serve(a, w, r)
		case "sqs":
			sqs.Serve(a, w, r, body, auth.Region())
		case "dynamodb":
			dynamodb.Serve(a, w, r, body, auth.Region())
		default:
			core.WriteError(w, r, core.ProtoQuery, &core.APIError{Status: http.StatusBadRequest, Code: "UnknownOperationException",
				Message: fmt.Sprintf("the kirikae sandbox does not serve the AWS service %q", svc)})
		}
	})
}
