package sandbox

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
)

func lookup(typ string) (*typeSpec, error) {
	if t := specs[typ]; t != nil {
		return t, nil
	}
	return nil, status.Error(codes.InvalidArgument, unsupported(typ).Error())
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
func withDefaults(t *typeSpec, pm resource.PropertyMap) {
	for k, v := range t.defaults {
		if !present(pm, k) {
			pm[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
		}
	}
}

// unknownComputed marks values the provider computed as unknown: in preview
// nothing is created, so they cannot be known yet.
func unknownComputed(e *env) {
	for k := range e.set {
		e.out[k] = unknown()
	}
}

// fault applies an injected fault before a mutating call.
func (p *provider) fault(ctx context.Context, op, typ string) error {
	f, err := p.acct.trip(op, typ)
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

func (p *provider) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	typ := typeOf(req.GetType(), req.GetUrn())
	t, err := lookup(typ)
	if err != nil {
		return nil, err
	}
	inputs, err := unmarshalProps(req.GetProperties(), "properties")
	if err != nil {
		return nil, err
	}
	out := inputs.Copy()
	withDefaults(t, out)
	e := &env{spec: t, region: p.region(ctx), account: p.accountID, in: inputs, out: out, preview: req.GetPreview()}
	if e.preview {
		e.st = newState()
		_, _ = t.create(e) // errors need real dependencies; Create reports them
		unknownComputed(e)
		props, err := marshalProps(out, "outputs")
		return &pulumirpc.CreateResponse{Properties: props}, err
	}
	if err := p.fault(ctx, "create", typ); err != nil {
		return nil, err
	}
	delayResource(ctx, typ) // modeled AWS time (latency.go)
	var id string
	err = p.acct.update(func(st *state) error {
		st.Seq++
		e.st, e.seq = st, st.Seq
		if id, err = t.create(e); err != nil {
			return err
		}
		existing, err := duplicate(st, t, out, e.region)
		if err != nil {
			return err
		}
		if existing != nil {
			// AWS answered the resource it already had: the new Pulumi
			// resource now names it too.
			id = existing.ID
			if out, err = fromWire(existing.Outputs); err != nil {
				return err
			}
			existing.URN = req.GetUrn()
			return nil
		}
		if typ == tokBucket {
			if err := p.acct.claimBucket(str(out, "bucket")); err != nil {
				return err
			}
		}
		r := &record{Resource: Resource{Type: typ, ID: id, URN: req.GetUrn()}, Seq: st.Seq}
		if r.Inputs, err = toWire(inputs); err != nil {
			return err
		}
		if r.Outputs, err = toWire(out); err != nil {
			return err
		}
		handle := id
		if arn := str(out, "arn"); typ == "aws:ecs/taskDefinition:TaskDefinition" {
			handle = arn // revisions share the family as id
		}
		st.Resources[recordKey(typ, handle)] = r
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", typ, err)
	}
	props, err := marshalProps(out, "outputs")
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, err
}

func (p *provider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	typ := typeOf(req.GetType(), req.GetUrn())
	if _, err := lookup(typ); err != nil {
		return nil, err
	}
	arn, _ := req.GetProperties().AsMap()["arn"].(string)
	var found *record
	err := p.acct.view(func(st *state) error {
		_, found = st.find(typ, req.GetId(), arn)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", typ, err)
	}
	if found == nil {
		return &pulumirpc.ReadResponse{}, nil // deleted out of band
	}
	resp := &pulumirpc.ReadResponse{Id: found.ID}
	for _, m := range []struct {
		wire map[string]any
		dst  **structpb.Struct
	}{{found.Outputs, &resp.Properties}, {found.Inputs, &resp.Inputs}} {
		pm, err := fromWire(m.wire)
		if err != nil {
			return nil, err
		}
		if *m.dst, err = marshalProps(pm, "state"); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

func (p *provider) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	typ := typeOf(req.GetType(), req.GetUrn())
	t, err := lookup(typ)
	if err != nil {
		return nil, err
	}
	olds, news, err := unmarshalOldsNews(req)
	if err != nil {
		return nil, err
	}
	oldIn, err := unmarshalProps(req.GetOldInputs(), "oldInputs")
	if err != nil {
		return nil, err
	}
	if req.GetOldInputs() == nil {
		oldIn = olds // engines before OldInputs sent only the outputs
	}
	e := &env{spec: t, region: p.region(ctx), account: p.accountID, id: req.GetId(), in: news, oldIn: oldIn,
		preview: req.GetPreview()}
	// merge builds old outputs ∪ new inputs: computed values survive, inputs
	// the program dropped go back to their defaults.
	merge := func(base resource.PropertyMap) {
		e.old, e.out = base, base.Copy()
		for k := range oldIn {
			if _, ok := news[k]; !ok {
				delete(e.out, k)
			}
		}
		for k, v := range news {
			e.out[k] = v
		}
		withDefaults(t, e.out)
	}
	if e.preview {
		merge(olds)
		e.st = newState()
		if t.update != nil {
			_ = t.update(e) // errors need real dependencies; Update reports them
		}
		unknownComputed(e)
		props, err := marshalProps(e.out, "outputs")
		return &pulumirpc.UpdateResponse{Properties: props}, err
	}
	if err := p.fault(ctx, "update", typ); err != nil {
		return nil, err
	}
	delayResource(ctx, typ) // modeled AWS time (latency.go)
	arn := str(olds, "arn")
	err = p.acct.update(func(st *state) error {
		_, r := st.find(typ, req.GetId(), arn)
		if r == nil {
			return fmt.Errorf("%s %s does not exist in the simulated account (deleted out of band? run refresh)", typ, req.GetId())
		}
		base, err := fromWire(r.Outputs)
		if err != nil {
			return err
		}
		merge(base)
		st.Seq++
		e.st, e.seq = st, st.Seq
		if t.update != nil {
			if err := t.update(e); err != nil {
				return err
			}
		}
		if r.Inputs, err = toWire(news); err != nil {
			return err
		}
		r.Outputs, err = toWire(e.out)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("update %s: %w", typ, err)
	}
	props, err := marshalProps(e.out, "outputs")
	return &pulumirpc.UpdateResponse{Properties: props}, err
}

func (p *provider) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	typ := typeOf(req.GetType(), req.GetUrn())
	t, err := lookup(typ)
	if err != nil {
		return nil, err
	}
	if err := p.fault(ctx, "delete", typ); err != nil {
		return nil, err
	}
	arn, _ := req.GetProperties().AsMap()["arn"].(string)
	err = p.acct.update(func(st *state) error {
		k, r := st.find(typ, req.GetId(), arn)
		if r == nil {
			return nil // already gone: deleting is idempotent, as in the AWS provider
		}
		if t.refuseDelete != nil {
			if err := t.refuseDelete(st, r); err != nil {
				return err
			}
		}
		delete(st.Resources, k)
		if t.remove != nil {
			t.remove(st, r)
		}
		if typ == tokBucket {
			return p.acct.releaseBucket(r.ID)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("delete %s: %w", typ, err)
	}
	return &emptypb.Empty{}, nil
}
