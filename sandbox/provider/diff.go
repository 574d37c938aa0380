package provider

import (
	"context"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/kirikae/kirikae/sandbox/core"
)

func (p *Provider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	t, err := lookup(typeOf(req.GetType(), req.GetUrn()))
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
	resp := &pulumirpc.DiffResponse{
		Changes:         pulumirpc.DiffResponse_DIFF_NONE,
		DetailedDiff:    map[string]*pulumirpc.PropertyDiff{},
		HasDetailedDiff: true,
	}
	for _, d := range core.DiffProps(t, olds, news, oldIn, core.IgnoreSet(req.GetIgnoreChanges())) {
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
		resp.Diffs = append(resp.Diffs, d.Key)
		resp.DetailedDiff[d.Key] = &pulumirpc.PropertyDiff{Kind: d.Kind, InputDiff: true}
		if d.Replace {
			resp.Replaces = append(resp.Replaces, d.Key)
		}
	}
	return resp, nil
}
