package sandbox

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/asset"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/kirikae/kirikae/sandbox/core"
	providersvc "github.com/kirikae/kirikae/sandbox/provider"
	"github.com/kirikae/kirikae/sandbox/workload"
)

// harness drives the provider the way the engine does: Check, then
// Create/Update with the checked inputs.
type harness struct {
	t    *testing.T
	p    *providersvc.Provider
	acct *core.Account
	ctx  context.Context
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessAt(t, t.TempDir())
}

// newHarnessAt works on the account in dir, so a test can open a second
// handle on the same state as another process would.
func newHarnessAt(t *testing.T, dir string) *harness {
	t.Helper()
	acct, err := core.OpenAccount(dir)
	require.NoError(t, err)
	t.Cleanup(func() { _ = workload.StopWorkloads(acct) })
	return &harness{t: t, p: providersvc.NewProvider(acct, ""), acct: acct, ctx: context.Background()}
}

func urn(typ, name string) string { return "urn:pulumi:dev::sbtest::" + typ + "::" + name }

func wire(t *testing.T, pm resource.PropertyMap) *structpb.Struct {
	t.Helper()
	s, err := core.MarshalProps(pm, "test")
	require.NoError(t, err)
	return s
}

func pmap(m map[string]any) resource.PropertyMap { return resource.NewPropertyMapFromMap(m) }

func props(t *testing.T, s *structpb.Struct) resource.PropertyMap {
	t.Helper()
	pm, err := core.UnmarshalProps(s, "test")
	require.NoError(t, err)
	return pm
}

// live is a simulated resource as the engine's state would hold it.
type live struct {
	typ, name, id string
	inputs, outs  resource.PropertyMap
}

func (h *harness) check(typ, name string, olds, news resource.PropertyMap) *pulumirpc.CheckResponse {
	h.t.Helper()
	resp, err := h.p.Check(h.ctx, &pulumirpc.CheckRequest{Urn: urn(typ, name), Type: typ, Name: name,
		Olds: wire(h.t, olds), News: wire(h.t, news), RandomSeed: []byte("seed")})
	require.NoError(h.t, err)
	return resp
}

func (h *harness) create(typ, name string, inputs resource.PropertyMap) *live {
	h.t.Helper()
	r, err := h.tryCreate(typ, name, inputs)
	require.NoError(h.t, err)
	return r
}

func (h *harness) tryCreate(typ, name string, inputs resource.PropertyMap) (*live, error) {
	h.t.Helper()
	chk := h.check(typ, name, nil, inputs)
	require.Empty(h.t, chk.Failures)
	resp, err := h.p.Create(h.ctx, &pulumirpc.CreateRequest{Urn: urn(typ, name), Type: typ, Name: name, Properties: chk.Inputs})
	if err != nil {
		return nil, err
	}
	return &live{typ: typ, name: name, id: resp.Id, inputs: props(h.t, chk.Inputs), outs: props(h.t, resp.Properties)}, nil
}

func (h *harness) diff(r *live, news resource.PropertyMap) *pulumirpc.DiffResponse {
	h.t.Helper()
	chk := h.check(r.typ, r.name, r.inputs, news)
	resp, err := h.p.Diff(h.ctx, &pulumirpc.DiffRequest{Id: r.id, Urn: urn(r.typ, r.name), Type: r.typ,
		Olds: wire(h.t, r.outs), News: chk.Inputs, OldInputs: wire(h.t, r.inputs)})
	require.NoError(h.t, err)
	return resp
}

func (h *harness) update(r *live, news resource.PropertyMap, preview bool) *live {
	h.t.Helper()
	chk := h.check(r.typ, r.name, r.inputs, news)
	require.Empty(h.t, chk.Failures)
	resp, err := h.p.Update(h.ctx, &pulumirpc.UpdateRequest{Id: r.id, Urn: urn(r.typ, r.name), Type: r.typ,
		Olds: wire(h.t, r.outs), News: chk.Inputs, OldInputs: wire(h.t, r.inputs), Preview: preview})
	require.NoError(h.t, err)
	return &live{typ: r.typ, name: r.name, id: r.id, inputs: props(h.t, chk.Inputs), outs: props(h.t, resp.Properties)}
}

func (h *harness) delete(r *live) {
	h.t.Helper()
	_, err := h.p.Delete(h.ctx, &pulumirpc.DeleteRequest{Id: r.id, Urn: urn(r.typ, r.name), Type: r.typ,
		Properties: wire(h.t, r.outs)})
	require.NoError(h.t, err)
}

func (h *harness) read(r *live) *pulumirpc.ReadResponse {
	h.t.Helper()
	resp, err := h.p.Read(h.ctx, &pulumirpc.ReadRequest{Id: r.id, Urn: urn(r.typ, r.name), Type: r.typ,
		Properties: wire(h.t, r.outs), Inputs: wire(h.t, r.inputs)})
	require.NoError(h.t, err)
	return resp
}

func code(t *testing.T, text string) resource.PropertyValue {
	t.Helper()
	a, err := asset.FromText(text)
	require.NoError(t, err)
	ar, err := archive.FromAssets(map[string]any{"index.js": a})
	require.NoError(t, err)
	require.NotEmpty(t, ar.Hash)
	return resource.NewArchiveProperty(ar)
}

const (
	bucketType   = "aws:s3/bucketV2:BucketV2"
	taskDefType  = "aws:ecs/taskDefinition:TaskDefinition"
	aliasType    = "aws:lambda/alias:Alias"
	vpcType      = "aws:ec2/vpc:Vpc"
	roleArnInput = "arn:aws:iam::123456789012:role/fn"
)

func function(t *testing.T, body string, extra map[string]any) resource.PropertyMap {
	pm := pmap(map[string]any{"role": roleArnInput, "publish": true, "runtime": "nodejs20.x", "handler": "index.handler"})
	pm["code"] = code(t, body)
	for k, v := range pmap(extra) {
		pm[k] = v
	}
	return pm
}
