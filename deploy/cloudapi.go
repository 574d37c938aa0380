package deploy

import (
	"context"
	"fmt"
	"time"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/sandbox"
)

// cloudAPI returns the data-plane client, creating it on first use: only
// deploys need it, and in sandbox mode it costs a local AWS endpoint and
// front door.
func (s *Session) cloudAPI(ctx context.Context) (cloud.Cloud, error) {
	if s.cloud != nil {
		return s.cloud, nil
	}
	if !s.opts.Sandbox {
		c, err := cloud.NewAWS(ctx, s.Config.Region)
		if err != nil {
			return nil, fmt.Errorf("connect to AWS: %w", err)
		}
		s.cloud = c
		return c, nil
	}
	acct, err := sandbox.OpenAccount(s.Paths.AccountDir(s.opts.Stack))
	if err != nil {
		return nil, fmt.Errorf("open sandbox account: %w", err)
	}
	// The sandbox is AWS at another address: the same aws-sdk-go-v2 client,
	// pointed at the account's local endpoint with its static credentials.
	// The endpoint outlives the caller's context: the session owns it and
	// Close stops it.
	ep, err := sandbox.Serve(context.Background(), acct)
	if err != nil {
		return nil, err
	}
	region := s.Config.Region
	if region == "" {
		region = "us-east-1"
	}
	s.frontDoor = ep
	s.cloud = cloud.NewAt(cloud.Endpoint{
		URL: ep.URL, Region: region,
		AccessKeyID: sandbox.AccessKeyID, SecretAccessKey: sandbox.SecretAccessKey,
		HTTPClient: sandbox.FrontDoorClient(ep.FrontDoor),
	})
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
