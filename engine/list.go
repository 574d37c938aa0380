package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
)

// StackInfo describes one of the project's stacks and its deployed state.
type StackInfo struct {
	Name       string
	Deployed   bool
	LastUpdate time.Time
	Result     string
	ImageTag   string
	Resources  int
}

// ListStacks reports every stack the repo defines (Pulumi.<stack>.yaml) with
// what the backend knows of it. Unlike Open it creates no stack.
func ListStacks(ctx context.Context, opts Options) ([]StackInfo, error) {
	names, err := stacks.Stacks(opts.ProjectDir)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("list stacks: no Pulumi.<stack>.yaml in %s", opts.ProjectDir)
	}
	opts.Stack = names[0]
	s, err := newSession(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if err := s.openWorkspace(ctx); err != nil {
		return nil, err
	}
	summaries, err := s.ws.ListStacks(ctx)
	if err != nil {
		return nil, fmt.Errorf("list stacks: %s", Message(err.Error()))
	}
	out := make([]StackInfo, 0, len(names))
	for _, name := range names {
		info := StackInfo{Name: name}
		for _, sum := range summaries {
			if sum.Name != name || sum.ResourceCount == nil || *sum.ResourceCount == 0 {
				continue
			}
			info.Deployed = true
			info.Resources = *sum.ResourceCount
			info.LastUpdate, _ = time.Parse(time.RFC3339, sum.LastUpdate)
		}
		if info.Deployed {
			// The backend's count includes the root stack and the provider;
			// plans and summaries count only what the program declares.
			// One state read (or export) has both the resources and the
			// outputs.
			dep, ok := s.ws.readState(ctx, name)
			if !ok {
				dep, _ = s.ws.export(ctx, name)
			}
			if dep != nil {
				if n, err := managedCount(dep); err == nil {
					info.Resources = n
				}
				if outs, err := rootOutputs(dep); err == nil {
					if v, ok := outs[infra.OutputImageTag]; ok {
						info.ImageTag, _ = v.Value.(string)
					}
				}
			}
			if r, ok := s.ws.lastResult(ctx, name); ok {
				info.Result = r
			} else if st, err := auto.SelectStack(ctx, name, s.ws); err == nil {
				if h, err := st.History(ctx, 1, 1); err == nil && len(h) == 1 {
					info.Result = h[0].Result
				}
			}
		}
		out = append(out, info)
	}
	return out, nil
}
