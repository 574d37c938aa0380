package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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
// known is false for backends whose locks kirikae cannot see (only a file
// backend keeps them as files); Cancel then asks the engine.
func (s *Session) Locked() (locked, known bool, err error) {
	url := s.Paths.BackendURL(s.opts.Backend)
	if !strings.HasPrefix(url, "file://") {
		return false, false, nil
	}
	// The file backend keeps one lock file per running update under
	// .pulumi/locks/<org>/<project>/<stack>/ (organization is its fixed org).
	dir := filepath.Join(strings.TrimPrefix(url, "file://"), ".pulumi", "locks", "organization", s.project.Name.String(), s.opts.Stack)
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return false, true, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("read update locks of %s: %w", s.opts.Stack, err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") {
			return true, true, nil
		}
	}
	return false, true, nil
}
