package deploy

import (
	"context"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
)

// PreviewDestroy lists what Destroy would delete, changing nothing, so the
// CLI can show it before asking. The Result is a preview whose resources
// are all deletes.
func (s *Session) PreviewDestroy(ctx context.Context) (*Result, error) {
	return s.engineOp(ctx, "preview", func(ch chan<- events.EngineEvent) error {
		_, err := s.stack.PreviewDestroy(ctx, optdestroy.EventStreams(ch))
		return err
	})
}

// PreviewRefresh reports the drift Refresh would write into state,
// changing nothing, so the CLI can show it before asking.
func (s *Session) PreviewRefresh(ctx context.Context) (*Result, error) {
	return s.engineOp(ctx, "preview", func(ch chan<- events.EngineEvent) error {
		_, err := s.stack.PreviewRefresh(ctx, optrefresh.EventStreams(ch))
		return err
	})
}
