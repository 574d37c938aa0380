package engine

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// StateResource is one resource of the stack's current state: enough to
// name it as an update's target.
type StateResource struct {
	URN  string `json:"urn"`
	Type string `json:"type"`
}

// State is what the stack's current deployment holds: the root stack's
// outputs and its resources.
type State struct {
	Outputs   map[string]Output
	Resources []StateResource
	// Pending are the URNs of operations an interrupted update left in
	// flight: the engine cannot tell whether the provider finished them.
	Pending []string
}

// State reads the stack's outputs and resources from one read of its
// state: a file backend's state file (no process), otherwise one
// `stack export`, as StackOutputs does. A rollback plans its targeted
// update from it without an engine preview.
func (s *Session) State(ctx context.Context) (*State, error) {
	dep, ok := s.ws.readState(ctx, s.opts.Stack)
	if !ok {
		var err error
		if dep, err = s.ws.export(ctx, s.opts.Stack); err != nil {
			return nil, s.classify("outputs", err, nil)
		}
	}
	outs, err := rootOutputs(dep)
	if err != nil {
		return nil, err
	}
	var d apitype.DeploymentV3
	if len(dep) > 0 {
		if err := json.Unmarshal(dep, &d); err != nil {
			return nil, fmt.Errorf("read state of %s: %w", s.opts.Stack, err)
		}
	}
	st := &State{Outputs: outputs(outs)}
	for _, r := range d.Resources {
		if r.Delete {
			continue // a replaced resource awaiting deletion
		}
		st.Resources = append(st.Resources, StateResource{URN: string(r.URN), Type: string(r.Type)})
	}
	for _, op := range d.PendingOperations {
		st.Pending = append(st.Pending, string(op.Resource.URN))
	}
	return st, nil
}
