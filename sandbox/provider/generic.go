package provider

import (
	"context"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/generic"
)

var (
	genericMu    sync.Mutex
	genericSpecs = map[string]*core.TypeSpec{}
)

// genericSpec is the TypeSpec of a pulumi-aws type without a dedicated
// model: the outputs its SDK declares, state only (sandbox/generic). nil
// when pulumi-aws v6 has no such type.
func genericSpec(typ string) *core.TypeSpec {
	genericMu.Lock()
	defer genericMu.Unlock()
	if t := genericSpecs[typ]; t != nil {
		return t
	}
	gt, ok := generic.Lookup(typ)
	if !ok {
		return nil
	}
	place := func(e *core.Env) generic.Place {
		return generic.Place{Region: e.Region, Account: e.Account, Draw: e.Alnum}
	}
	t := &core.TypeSpec{Token: typ, Required: gt.Required(), Name: gt.NameProperty(), Immutable: gt.Replacing(),
		Create: func(e *core.Env) (string, error) {
			before := map[resource.PropertyKey]bool{}
			for k := range e.Out {
				before[k] = true
			}
			id := gt.Create(e.Out, place(e))
			for k, v := range e.Out {
				if !before[k] {
					e.Put(string(k), v.Mappable()) // computed: unknown in preview
				}
			}
			return id, nil
		},
		Update: func(e *core.Env) error {
			gt.Update(e.Out)
			return nil
		}}
	genericSpecs[typ] = t
	return t
}

// isGeneric reports whether t came from genericSpec.
func isGeneric(t *core.TypeSpec) bool {
	genericMu.Lock()
	defer genericMu.Unlock()
	return genericSpecs[t.Token] == t
}

// noteGeneric tells the deploy that a type is simulated generically, once
// per type and engine run (a deploy's hidden planning preview must not use
// up what its update shows). It is information on the resource, not an
// error; it reaches the deploy's output through the engine's Log RPC.
func (p *Provider) noteGeneric(ctx context.Context, t *core.TypeSpec, urn string) {
	if !isGeneric(t) {
		return
	}
	p.mu.Lock()
	addr := p.engine
	p.mu.Unlock()
	if addr == "" || !p.generic.First(addr+" "+t.Token) {
		return
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return
	}
	defer conn.Close()
	_, _ = pulumirpc.NewEngineClient(conn).Log(ctx, &pulumirpc.LogRequest{
		Severity: pulumirpc.LogSeverity_INFO, Urn: urn, Message: generic.Notice(t.Token)})
}
