package deploy

import (
	"context"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/notify"
)

// Test hooks: engine tests must never wait on a wall clock.

// SetVerifyInterval sets the wait between probe attempts.
func SetVerifyInterval(s *Session, d time.Duration) { s.verifyInterval = d }

// SetSleep replaces the canary bake wait.
func SetSleep(s *Session, f func(ctx context.Context, d time.Duration) error) { s.sleep = f }

// SetProgram replaces the infrastructure program.
func SetProgram(s *Session, p pulumi.RunFunc) { s.SetProgram(p) }

// Apply runs one update with explicit release values (and targets), as a
// deploy step does, taking the stack's lock.
func Apply(ctx context.Context, s *Session, values Values, targets []string) (*Result, error) {
	unlock, err := s.Lock("up")
	if err != nil {
		return nil, err
	}
	defer unlock()
	return s.Session.Up(ctx, values.Config(), UpOptions{Targets: targets})
}

// FrontendReleases lists the release ids in the stack's frontend bucket.
func FrontendReleases(ctx context.Context, s *Session) ([]string, error) {
	outs, err := s.Outputs(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return nil, err
	}
	return c.ListPrefixes(ctx, outputString(outs, "frontendBucket"), releasesPrefix)
}

// SetNotifyTune shortens the notification timings for tests.
func SetNotifyTune(s *Session, f func(*notify.Dispatcher)) { s.notifyTune = f }

// CloudOf is the stack's data plane, for a test that changes what a
// stack holds behind kirikae's back, as another writer would.
func CloudOf(ctx context.Context, s *Session) (cloud.Cloud, error) { return s.cloudAPI(ctx) }

// Alarms reads the alarms named with prefix as the watch does
// (DescribeAlarms in every region holding the stack's alarms), without
// Status's other reads.
func Alarms(ctx context.Context, s *Session, prefix string) ([]cloud.Alarm, error) {
	return s.alarmsNamed(ctx, s.Config, prefix)
}

// LiveAlias reads alias live as Lambda reports it (GetAlias).
func LiveAlias(ctx context.Context, s *Session) (cloud.AliasStatus, error) {
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return cloud.AliasStatus{}, err
	}
	return c.AliasVersion(ctx, infra.FunctionName(s.Config), infra.LiveAlias)
}
