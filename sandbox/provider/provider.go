package provider

import (
	"context"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ec2"
	"github.com/kirikae/kirikae/sandbox/generic"
	"github.com/kirikae/kirikae/sandbox/iam"
)

// Provider implements the aws resource provider against the simulated
// account.
type Provider struct {
	pulumirpc.UnimplementedResourceProviderServer

	acct      *core.Account
	accountID string

	mu      sync.Mutex
	regions map[string]string // by engine connection: each provider instance dials its own
	engine  string
	generic generic.Once // engine runs and types already told "simulated generically"
	// creds and dir: who the provider acts as, and the account's roles
	// that decide a session's operations (authz.go).
	creds Credentials
	dir   *iam.Directory
}

func NewProvider(acct *core.Account, accountID string) *Provider {
	if accountID == "" {
		accountID = acct.ID()
	}
	return &Provider{acct: acct, accountID: accountID, regions: map[string]string{}}
}

// conn identifies the engine-side provider instance. Explicit providers with
// another region get their own connection, so regions never mix.
func conn(ctx context.Context) string {
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		return p.Addr.String()
	}
	return ""
}

func (p *Provider) region(ctx context.Context) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r := p.regions[conn(ctx)]; r != "" {
		return r
	}
	return core.DefaultRegion
}

func (p *Provider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: ProviderVersion}, nil
}

func (p *Provider) Handshake(_ context.Context, req *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	p.mu.Lock()
	p.engine = req.GetEngineAddress()
	p.mu.Unlock()
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

func (p *Provider) Attach(_ context.Context, req *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	p.mu.Lock()
	p.engine = req.GetAddress()
	p.mu.Unlock()
	return &emptypb.Empty{}, nil
}

func (p *Provider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (p *Provider) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: "{}"}, nil
}

func (p *Provider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

// DiffConfig reports a change only for region: nothing else in the sandbox
// depends on provider configuration.
func (p *Provider) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, news, err := core.UnmarshalOldsNews(req)
	if err != nil {
		return nil, err
	}
	if core.SameValue(olds["region"], news["region"]) {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: []string{"region"}}, nil
}

func (p *Provider) Configure(ctx context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	region := req.GetVariables()["aws:region"]
	if region == "" {
		region = req.GetVariables()["aws:config:region"]
	}
	if args := req.GetArgs(); region == "" && args != nil {
		region = args.GetFields()["region"].GetStringValue()
	}
	if region != "" {
		p.mu.Lock()
		p.regions[conn(ctx)] = region
		p.mu.Unlock()
	}
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true}, nil
}

func (p *Provider) Invoke(ctx context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	if req.GetTok() == ec2.InvokeAvailabilityZones {
		return ec2.AvailabilityZones(p.region(ctx))
	}
	return nil, status.Errorf(codes.Unimplemented,
		"the kirikae sandbox does not simulate invoke %s; data sources are not available in the sandbox, pass the value in as configuration instead",
		req.GetTok())
}

// ProviderVersion is the pulumi-aws version the sandbox claims to be. It must
// equal the pulumi-aws SDK in go.mod, or the engine would look for a plugin of
// another version instead of using the sandbox.
const ProviderVersion = "6.83.4"
