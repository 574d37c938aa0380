package engine

import (
	"context"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
)

// RefreshInterrupted reads back into state what an update that was killed
// left: its pending operations (a resource the provider may or may not have
// changed) are refreshed from the provider, and pending creates whose
// outcome cannot be known are cleared, as `pulumi refresh
// --clear-pending-creates` does. Without it a targeted update after the
// kill fails on the resources the interrupted one left half-done
// ("will be destroyed but was not specified in --target list").
// https://www.pulumi.com/docs/iac/cli/commands/pulumi_refresh/
func (s *Session) RefreshInterrupted(ctx context.Context) (*Result, error) {
	return s.streamOp("refresh", func(ch chan<- events.EngineEvent) error {
		defer s.ws.skippingSummary()()
		_, err := s.stack.Refresh(ctx, optrefresh.EventStreams(ch), optrefresh.ClearPendingCreates())
		return err
	})
}
