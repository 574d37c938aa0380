package deploy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
)

// cloudAPI returns the data-plane client, creating it on first use: only
// deploys need it. In sandbox mode it talks to the endpoint the session
// already serves its state at.
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
	if s.endpoint.URL == "" {
		return nil, errors.New("connect to the sandbox: the session serves no sandbox endpoint")
	}
	s.cloud = cloud.NewAt(s.endpoint)
	return s.cloud, nil
}

// cloudIn is the data plane in region: the stack's own (cloudAPI), or
// another region's with the same credentials (the sandbox's endpoint
// serves every region, told apart by the request's signing region).
func (s *Session) cloudIn(ctx context.Context, region string) (cloud.Cloud, error) {
	c, err := s.cloudAPI(ctx)
	if err != nil || region == "" || region == s.Config.Region {
		return c, err
	}
	if c, ok := s.others[region]; ok {
		return c, nil
	}
	if s.others == nil {
		s.others = map[string]cloud.Cloud{}
	}
	if !s.Sandbox() {
		if c, err = cloud.NewAWS(ctx, region); err != nil {
			return nil, fmt.Errorf("connect to AWS in %s: %w", region, err)
		}
	} else {
		ep := s.endpoint
		ep.Region = region
		c = cloud.NewAt(ep)
	}
	s.others[region] = c
	return c, nil
}

// stackAlarms reads the stack's alarms (named with infra.AlarmPrefix) in
// every region that holds one (infra.AlarmRegions: the CloudFront alarm
// lives in us-east-1).
func (s *Session) stackAlarms(ctx context.Context, cfg stacks.Config) ([]cloud.Alarm, error) {
	return s.alarmsNamed(ctx, cfg, infra.AlarmPrefix(cfg))
}

// alarmsNamed reads the alarms named with prefix in every region holding
// the stack's alarms.
func (s *Session) alarmsNamed(ctx context.Context, cfg stacks.Config, prefix string) ([]cloud.Alarm, error) {
	var all []cloud.Alarm
	for _, region := range infra.AlarmRegions(cfg) {
		c, err := s.cloudIn(ctx, region)
		if err != nil {
			return nil, err
		}
		alarms, err := c.Alarms(ctx, prefix)
		if err != nil {
			return nil, err
		}
		all = append(all, alarms...)
	}
	return all, nil
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
