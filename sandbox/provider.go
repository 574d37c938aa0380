package sandbox

import (
	"context"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

const defaultRegion = "us-east-1"

// provider implements the aws resource provider against the simulated
// account.
type provider struct {
	pulumirpc.UnimplementedResourceProviderServer

	acct      *Account
	accountID string

	mu      sync.Mutex
	regions map[string]string // by engine connection: each provider instance dials its own
	engine  string
}

func newProvider(acct *Account, accountID string) *provider {
	if accountID == "" {
		accountID = acct.ID()
	}
	return &provider{acct: acct, accountID: accountID, regions: map[string]string{}}
}

// conn identifies the engine-side provider instance. Explicit providers with
// another region get their own connection, so regions never mix.
func conn(ctx context.Context) string {
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		return p.Addr.String()
	}
	return ""
}

func (p *provider) region(ctx context.Context) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r := p.regions[conn(ctx)]; r != "" {
		return r
	}
	return defaultRegion
}

func (p *provider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: ProviderVersion}, nil
}

func (p *provider) Handshake(_ context.Context, req *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	p.mu.Lock()
	p.engine = req.GetEngineAddress()
	p.mu.Unlock()
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

func (p *provider) Attach(_ context.Context, req *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	p.mu.Lock()
	p.engine = req.GetAddress()
	p.mu.Unlock()
	return &emptypb.Empty{}, nil
}

func (p *provider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (p *provider) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: "{}"}, nil
}

func (p *provider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

// DiffConfig reports a change only for region: nothing else in the sandbox
// depends on provider configuration.
func (p *provider) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	olds, news, err := unmarshalOldsNews(req)
	if err != nil {
		return nil, err
	}
	if sameValue(olds["region"], news["region"]) {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: []string{"region"}}, nil
}

func (p *provider) Configure(ctx context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
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

func (p *provider) Invoke(ctx context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	if req.GetTok() == invokeAvailabilityZones {
		return p.availabilityZones(ctx)
	}
	return nil, status.Errorf(codes.Unimplemented,
		"the kirikae sandbox does not simulate invoke %s; data sources are not available in the sandbox, pass the value in as configuration instead",
		req.GetTok())
}
