package deploy

import (
	"context"
	"fmt"

	"github.com/kirikae/kirikae/journal"
)

// Cancel clears the stack's update lock after the process that held it
// died (killed CI job, closed laptop). It refuses while a kirikae process on
// this machine still holds the stack, so a running deploy is never cut off.
func (s *Session) Cancel(ctx context.Context) error {
	unlock, err := s.lock("cancel")
	if err != nil {
		return err
	}
	defer unlock()
	return s.journaled(ctx, "cancel", journal.Entry{}, func(*journal.Entry) error {
		if err := s.stack.Cancel(ctx); err != nil {
			return fmt.Errorf("cancel update of %s: %s", s.opts.Stack, engineMessage(err.Error()))
		}
		return nil
	})
}
