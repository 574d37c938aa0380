package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kirikae/kirikae/backend"
	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/engine"
	"github.com/kirikae/kirikae/notify"
	"github.com/kirikae/kirikae/stacks"
)

// Options open one stack of one project.
type Options struct {
	ProjectDir string
	Stack      string
	// Sandbox runs against the simulated AWS account under .kirikae/sandbox.
	Sandbox bool
	// Backend is a Pulumi backend URL; "" = the project's local file backend.
	Backend string
	// Overrides are release values for this deploy (full keys such as
	// "kirikae:imageTag"); they win over the last deployed values.
	Overrides map[string]string
	CLI       CLIOptions
	// OnEvent receives engine events as they happen (may be nil).
	OnEvent func(Event)
	// Invocation is how the user ran kirikae; suggested commands (rollback
	// commands in plans, error hints) repeat it.
	Invocation Invocation
	// Cloud replaces the data-plane client deploys use (uploads,
	// invalidations, rollout checks, verification); nil = the sandbox's
	// front door in sandbox mode, real AWS otherwise.
	Cloud cloud.Cloud
	// Records replaces the store of kirikae's records beside the state
	// (see engine.Options.Records).
	Records backend.Store
	// ReadOnly: the run writes nothing, neither lock, journal entry nor
	// record (preview, drift; engine.Options.ReadOnly).
	ReadOnly bool
}

// engineOptions are the options the engine adapter needs: everything but
// the data plane, plus the sandbox's provider and the release-values
// output every update exports.
// In sandbox mode served (when not nil) receives the session's sandbox
// endpoint, which serves the state and the data plane alike.
func (o Options) engineOptions(served *cloud.Endpoint) engine.Options {
	eo := engine.Options{
		ProjectDir: o.ProjectDir, Stack: o.Stack, Sandbox: o.Sandbox, Backend: o.Backend,
		Overrides: o.Overrides, CLI: o.CLI, OnEvent: o.OnEvent, Invocation: o.Invocation,
		Exports: releaseExports, Records: o.Records, ReadOnly: o.ReadOnly,
	}
	if o.Sandbox {
		eo.StartProvider = sandboxProviderFor(o.ProjectDir)
		eo.StartState = sandboxStateFor(o.ProjectDir, served)
	}
	return eo
}

// Session is an opened stack: the engine session, and what a release
// needs beside it (the data plane, notifications, clocks).
type Session struct {
	*engine.Session
	// notifier announces deploys (nil: no channel configured); notifyTune
	// lets tests shorten its timings.
	notifier   *notify.Dispatcher
	notifyTune func(*notify.Dispatcher)
	// alarmTopic is the stack's SNS topic, once outputs were read (sns.go).
	alarmTopic string
	// lockOpID is the journal operation id the held deploy lock names,
	// until the first journaled operation takes it (lock.go).
	lockOpID string
	// cloud is created on first use (see cloudAPI). endpoint is the
	// session's sandbox endpoint (the one serving its state) cloud talks
	// to; others holds the data plane in regions other than the stack's
	// (cloudIn).
	cloud    cloud.Cloud
	endpoint cloud.Endpoint
	others   map[string]cloud.Cloud
	// sleep waits out a canary's bake time; verifyInterval spaces probe
	// attempts. Tests replace both so nothing waits on a wall clock.
	sleep          func(ctx context.Context, d time.Duration) error
	verifyInterval time.Duration
	// frontendSource is the release a promote copies (frontend_promote.go).
	frontendSource *frontendSource
	// promoteSource is the stack a planned promote applies a release of:
	// the apply checks it still holds what it verified (promote_identity.go).
	promoteSource *Session
}

// Open loads and validates the stack's config, finds the engine, and opens
// (creating if needed) the stack in the backend. Nothing is changed in AWS.
func Open(ctx context.Context, opts Options) (*Session, error) {
	var served cloud.Endpoint
	es, err := engine.Open(ctx, opts.engineOptions(&served))
	if err != nil {
		return nil, err
	}
	return &Session{Session: es, cloud: opts.Cloud, endpoint: served, sleep: sleepCtx, verifyInterval: -1}, nil
}

// ListStacks lists the project's stacks with their last update.
func ListStacks(ctx context.Context, opts Options) ([]StackInfo, error) {
	return engine.ListStacks(ctx, opts.engineOptions(nil))
}

// releaseExports are the outputs every update exports beside the
// program's: the release values it applies, as one output. The next run
// reads what is live from the stack's outputs instead of searching Pulumi
// history (paged, and growing with every update).
func releaseExports(cfg stacks.Config) (map[string]string, error) {
	raw, err := json.Marshal(baseValues(cfg))
	if err != nil {
		return nil, fmt.Errorf("encode release values: %w", err)
	}
	return map[string]string{OutputReleaseValues: string(raw)}, nil
}

// OutputReleaseValues is the stack output holding the live release values
// (Values: a JSON object keyed by config key).
const OutputReleaseValues = "releaseValues"

// Close stops the sandbox's endpoint and provider, if any. Call it only
// after every operation has returned (see engine.Session.Close).
func (s *Session) Close() error { return s.Session.Close() }
