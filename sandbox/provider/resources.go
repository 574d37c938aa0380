package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/generic"
	"github.com/kirikae/kirikae/sandbox/workload"
)

func lookup(typ string) (*core.TypeSpec, error) {
	if t := core.Specs[typ]; t != nil {
		return t, nil
	}
	if t := genericSpec(typ); t != nil {
		return t, nil // no dedicated model: state only (sandbox/generic)
	}
	return nil, status.Error(codes.InvalidArgument, generic.Refuse(typ).Error())
}

// typeOf prefers the request's type and falls back to the URN for engines
// that do not send it.
func typeOf(typ, urn string) string {
	if typ != "" {
		return typ
	}
	return string(resource.URN(urn).Type())
}

// withDefaults fills defaults the program left out, as AWS does.
func withDefaults(t *core.TypeSpec, pm resource.PropertyMap) {
	for k, v := range t.Defaults {
		if !core.Present(pm, k) {
			pm[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
		}
	}
}

// unknownComputed marks values the provider computed as unknown: in preview
// nothing is created, so they cannot be known yet.
func unknownComputed(e *core.Env) {
	for k := range e.Set {
		e.Out[k] = core.Unknown()
	}
}

// fault applies an injected fault before a mutating call.
func (p *Provider) fault(ctx context.Context, op, typ string) error {
	f, err := p.acct.Trip(op, typ)
	if err != nil || f == nil {
		return err
	}
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	msg := f.Message
	if msg == "" {
		msg = fmt.Sprintf("simulated %s failure for %s (fault injected into the kirikae sandbox)", op, typ)
	}
	return status.Error(codes.Unknown, msg)
}

func (p *Provider) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	typ := typeOf(req.GetType(), req.GetUrn())
	t, err := lookup(typ)
	if err != nil {
		return nil, err
	}
	inputs, err := core.UnmarshalProps(req.GetProperties(), "properties")
	if err != nil {
		return nil, err
	}
	out := inputs.Copy()
	withDefaults(t, out)
	e := &core.Env{Spec: t, Region: p.region(ctx), Account: p.accountID, In: inputs, Out: out, Preview: req.GetPreview()}
	if e.Preview {
		e.St = core.NewState()
		_, _ = t.Create(e) // errors need real dependencies; Create reports them
		unknownComputed(e)
		props, err := core.MarshalProps(out, "outputs")
		return &pulumirpc.CreateResponse{Properties: props}, err
	}
	if err := p.fault(ctx, "create", typ); err != nil {
		return nil, err
	}
	core.DelayResource(ctx, typ, p.latency(t, nil, inputs)) // modeled AWS time (core/latency.go)
	var id string
	err = p.acct.Update(func(st *core.State) error {
		st.Seq++
		e.St, e.Seq = st, st.Seq
		if id, err = t.Create(e); err != nil {
			return err
		}
		if err := p.authorize(st, opCreate, typ, e.Region, id, out, inputs, nil); err != nil {
			return err
		}
		if err := p.authorizeFetches(st, opCreate, typ, out, nil); err != nil {
			return err
		}
		existing, err := core.Duplicate(st, t, out, e.Region)
		if err != nil {
			return err
		}
		if existing != nil {
			// AWS answered the resource it already had: the new Pulumi
			// resource now names it too.
			id = existing.ID
			if out, err = core.FromWire(existing.Outputs); err != nil {
				return err
			}
			existing.URN = req.GetUrn()
			return nil
		}
		if typ == core.TokBucket {
			if err := p.acct.ClaimBucket(core.Str(out, "bucket")); err != nil {
				return err
			}
		}
		r := &core.Record{Resource: core.Resource{Type: typ, ID: id, URN: req.GetUrn()}, Seq: st.Seq}
		if r.Inputs, err = core.ToWire(inputs); err != nil {
			return err
		}
		if r.Outputs, err = core.ToWire(out); err != nil {
			return err
		}
		handle := id
		if arn := core.Str(out, "arn"); typ == "aws:ecs/taskDefinition:TaskDefinition" {
			handle = arn // revisions share the family as id
		}
		st.Resources[core.RecordKey(typ, handle)] = r
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", typ, err)
	}
	if err := workload.Settle(p.acct, ctx, typ, id, out); err != nil {
		return nil, fmt.Errorf("create %s: %w", typ, err)
	}
	props, err := core.MarshalProps(out, "outputs")
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, err
}

func (p *Provider) Read(ctx context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	typ := typeOf(req.GetType(), req.GetUrn())
	if _, err := lookup(typ); err != nil {
		return nil, err
	}
	arn, _ := req.GetProperties().AsMap()["arn"].(string)
	var found *core.Record
	err := p.acct.View(func(st *core.State) error {
		_, found = st.Find(typ, req.GetId(), arn)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", typ, err)
	}
	if found == nil {
		return &pulumirpc.ReadResponse{}, nil // deleted out of band
	}
	if old, err := core.FromWire(found.Outputs); err != nil {
		return nil, err
	} else if err := p.authorize(nil, opRead, typ, p.region(ctx), found.ID, old, nil, old); err != nil {
		return nil, err
	}
	resp := &pulumirpc.ReadResponse{Id: found.ID}
	for _, m := range []struct {
		wire map[string]any
		dst  **structpb.Struct
	}{{found.Outputs, &resp.Properties}, {found.Inputs, &resp.Inputs}} {
		pm, err := core.FromWire(m.wire)
		if err != nil {
			return nil, err
		}
		if *m.dst, err = core.MarshalProps(pm, "state"); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

func (p *Provider) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	typ := typeOf(req.GetType(), req.GetUrn())
	t, err := lookup(typ)
	if err != nil {
		return nil, err
	}
	olds, news, err := core.UnmarshalOldsNews(req)
	if err != nil {
		return nil, err
	}
	oldIn, err := core.UnmarshalProps(req.GetOldInputs(), "oldInputs")
	if err != nil {
		return nil, err
	}
	if req.GetOldInputs() == nil {
		oldIn = olds // engines before OldInputs sent only the outputs
	}
	e := &core.Env{Spec: t, Region: p.region(ctx), Account: p.accountID, Id: req.GetId(), In: news, OldIn: oldIn,
		Preview: req.GetPreview()}
	// merge builds old outputs ∪ new inputs: computed values survive, inputs
	// the program dropped go back to their defaults.
	merge := func(base resource.PropertyMap) {
		e.Old, e.Out = base, base.Copy()
		for k := range oldIn {
			if _, ok := news[k]; !ok {
				delete(e.Out, k)
			}
		}
		for k, v := range news {
			e.Out[k] = v
		}
		withDefaults(t, e.Out)
	}
	if e.Preview {
		merge(olds)
		e.St = core.NewState()
		if t.Update != nil {
			_ = t.Update(e) // errors need real dependencies; Update reports them
		}
		unknownComputed(e)
		props, err := core.MarshalProps(e.Out, "outputs")
		return &pulumirpc.UpdateResponse{Properties: props}, err
	}
	if err := p.fault(ctx, "update", typ); err != nil {
		return nil, err
	}
	core.DelayResource(ctx, typ, p.latency(t, olds, news)) // modeled AWS time (core/latency.go)
	arn := core.Str(olds, "arn")
	err = p.acct.Update(func(st *core.State) error {
		_, r := st.Find(typ, req.GetId(), arn)
		if r == nil {
			return fmt.Errorf("%s %s does not exist in the simulated account (deleted out of band? run refresh)", typ, req.GetId())
		}
		base, err := core.FromWire(r.Outputs)
		if err != nil {
			return err
		}
		merge(base)
		if err := p.authorize(st, opUpdate, typ, e.Region, req.GetId(), e.Out, news, base); err != nil {
			return err
		}
		if err := p.authorizeFetches(st, opUpdate, typ, e.Out, base); err != nil {
			return err
		}
		st.Seq++
		e.St, e.Seq = st, st.Seq
		if t.Update != nil {
			if err := t.Update(e); err != nil {
				return err
			}
		}
		if r.Inputs, err = core.ToWire(news); err != nil {
			return err
		}
		r.Outputs, err = core.ToWire(e.Out)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("update %s: %w", typ, err)
	}
	if err := workload.Settle(p.acct, ctx, typ, req.GetId(), e.Out); err != nil {
		return nil, fmt.Errorf("update %s: %w", typ, err)
	}
	props, err := core.MarshalProps(e.Out, "outputs")
	return &pulumirpc.UpdateResponse{Properties: props}, err
}

func (p *Provider) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	typ := typeOf(req.GetType(), req.GetUrn())
	t, err := lookup(typ)
	if err != nil {
		return nil, err
	}
	if err := p.fault(ctx, "delete", typ); err != nil {
		return nil, err
	}
	arn, _ := req.GetProperties().AsMap()["arn"].(string)
	err = p.acct.Update(func(st *core.State) error {
		k, r := st.Find(typ, req.GetId(), arn)
		if r == nil {
			return nil // already gone: deleting is idempotent, as in the AWS provider
		}
		old, err := core.FromWire(r.Outputs)
		if err != nil {
			return err
		}
		if err := p.authorize(st, opDelete, typ, p.region(ctx), r.ID, old, nil, old); err != nil {
			return err
		}
		if t.RefuseDelete != nil {
			if err := t.RefuseDelete(st, r); err != nil {
				return err
			}
		}
		delete(st.Resources, k)
		if t.Remove != nil {
			t.Remove(st, r)
		}
		if typ == core.TokBucket {
			return p.acct.ReleaseBucket(r.ID)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("delete %s: %w", typ, err)
	}
	return &emptypb.Empty{}, nil
}

// latency is the modeled AWS time of creating (old nil) or updating a
// resource of type t, from the settings it depends on (TypeSpec.Latency);
// negative: its kind's fixed figure.
func (p *Provider) latency(t *core.TypeSpec, old, new resource.PropertyMap) time.Duration {
	d := time.Duration(-1)
	if t.Latency == nil {
		return d
	}
	_ = p.acct.View(func(st *core.State) error {
		d = t.Latency(st, old, new)
		return nil
	})
	return d
}
