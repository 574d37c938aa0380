package deploy

import (
	"context"
	"fmt"
	"time"

	"github.com/kirikae/kirikae/cloud"
)

// cloudAPI returns the data-plane client, creating it on first use: only
// deploys need it, and in sandbox mode it costs a local AWS endpoint and
// front door.
func (s *Session) cloudAPI(ctx context.Context) (cloud.Cloud, error) {
	if s.cloud != nil {
		return s.cloud, nil
	}
	if !s.Sandbox() {
		c, err := cloud.NewAWS(ctx, s.Config.Region)
		if err != nil {
			return nil, fmt.Errorf("connect to AWS: %w", err)
		}
		s.cloud = c
		return c, nil
	}
	region := s.Config.Region
	if region == "" {
		region = "us-east-1"
	}
	accountDir := s.Paths.AccountDir(s.Config)
	creds, err := sandboxCredentials(s.ProjectDir(), accountDir)
	if err != nil {
		return nil, err
	}
	ep, door, err := sandboxEndpoint(accountDir, region, creds)
	if err != nil {
		return nil, err
	}
	s.frontDoor = door
	s.cloud = cloud.NewAt(ep)
	return s.cloud, nil
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
