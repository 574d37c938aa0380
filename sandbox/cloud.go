package sandbox

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/kirikae/kirikae/cloud"
)

// simCloud is cloud.Cloud over the simulated account, so the deploy flow
// runs the same code against the sandbox as against AWS.
type simCloud struct {
	acct      *Account
	frontDoor string
	client    *http.Client
}

var _ cloud.Cloud = (*simCloud)(nil)

// Cloud returns the account as a cloud.Cloud. frontDoorAddr is the address
// ListenHTTP returned: HTTPClient sends every request there, keeping the
// original host name, so verification makes real HTTP requests against the
// simulated endpoints.
func (a *Account) Cloud(frontDoorAddr string) cloud.Cloud {
	return &simCloud{acct: a, client: &http.Client{
		Timeout:   10 * time.Second,
		Transport: &frontDoorTransport{addr: frontDoorAddr, base: http.DefaultTransport},
	}}
}

func (c *simCloud) PutObject(_ context.Context, bucket, key string, body []byte, contentType string) error {
	return c.acct.putObject(bucket, key, body, contentType)
}

func (c *simCloud) ListPrefixes(_ context.Context, bucket, prefix string) ([]string, error) {
	return c.acct.listPrefixes(bucket, prefix)
}

func (c *simCloud) DeletePrefix(_ context.Context, bucket, prefix string) (int, error) {
	return c.acct.deletePrefix(bucket, prefix)
}

func (c *simCloud) Invalidate(_ context.Context, distributionID string, paths []string) error {
	return c.acct.invalidate(distributionID, paths)
}

func (c *simCloud) RunningTaskDefinition(_ context.Context, cluster, service string) (string, error) {
	return c.acct.runningTaskDefinition(cluster, service)
}

func (c *simCloud) HTTPClient() *http.Client { return c.client }

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
		return nil, errors.New("sandbox front door is not running (no address given to Account.Cloud)")
	}
	out := req.Clone(req.Context())
	out.Host = req.URL.Host
	if req.Host != "" {
		out.Host = req.Host
	}
	out.URL.Scheme, out.URL.Host = "http", t.addr
	return t.base.RoundTrip(out)
}
