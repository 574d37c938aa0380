package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// Cancel clears the stack's update lock in the backend. The caller holds
// the stack's lock (see Lock), so a running kirikae deploy is never cut off.
func (s *Session) Cancel(ctx context.Context) error {
	// The SDK cancels only through its own LocalWorkspace, so the stack is
	// bound to it here (one `stack select`; cancel is rare).
	st, err := auto.SelectStack(ctx, s.opts.Stack, s.ws.Workspace)
	if err == nil {
		err = st.Cancel(ctx)
	}
	if err != nil {
		return fmt.Errorf("cancel update of %s: %s", s.opts.Stack, Message(err.Error()))
	}
	return nil
}

// Locked reports whether the stack holds an update lock in its backend.
// known is false for backends whose locks kirikae cannot see (only a DIY
// backend keeps them as objects); Cancel then asks the engine.
func (s *Session) Locked(ctx context.Context) (locked, known bool, err error) {
	if s.files == nil {
		return false, false, nil
	}
	// The DIY backend keeps one lock object per running update under
	// .pulumi/locks/organization/<project>/<stack>/ (stateKey).
	keys, err := listFiles(ctx, s.files, stateKey("locks", s.project.Name.String(), s.opts.Stack, "/"))
	if err != nil {
		return false, false, fmt.Errorf("read update locks of %s: %w", s.opts.Stack, err)
	}
	for _, k := range keys {
		if strings.HasSuffix(k, ".json") {
			return true, true, nil
		}
	}
	return false, true, nil
}
