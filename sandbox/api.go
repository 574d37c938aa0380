package sandbox

import (
	"context"
	"io"

	"github.com/kirikae/kirikae/sandbox/cloudfront"
	"github.com/kirikae/kirikae/sandbox/cloudwatch"
	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/ecr"
	"github.com/kirikae/kirikae/sandbox/ecs"
	"github.com/kirikae/kirikae/sandbox/frontdoor"
	"github.com/kirikae/kirikae/sandbox/localurl"
	"github.com/kirikae/kirikae/sandbox/logs"
	"github.com/kirikae/kirikae/sandbox/provider"
	s3svc "github.com/kirikae/kirikae/sandbox/s3"
	"github.com/kirikae/kirikae/sandbox/sns"
	"github.com/kirikae/kirikae/sandbox/ssm"
	"github.com/kirikae/kirikae/sandbox/workload"
)

// The sandbox's public surface, kept here so callers outside sandbox/
// (engine, deploy, internal/cli) see one package whatever folder a piece
// lives in.

// The static credentials the sandbox's AWS endpoint accepts.
const (
	AccessKeyID     = core.AccessKeyID
	SecretAccessKey = core.SecretAccessKey
)

// DefaultAccount is the account id of sandboxes created before accounts
// drew their own.
const DefaultAccount = core.DefaultAccount

// ProviderVersion is the pulumi-aws version the sandbox claims to be.
const ProviderVersion = provider.ProviderVersion

type (
	// Resource is one simulated AWS resource as the account holds it.
	Resource = core.Resource
	// Fault is a failure injected into the provider.
	Fault = core.Fault
	// PushedImage is an image pushed into the account's ECR registry.
	PushedImage = ecr.PushedImage
	// LogEvent is one event of a CloudWatch Logs stream.
	LogEvent = logs.LogEvent
	// Invalidation is a CloudFront invalidation of a distribution.
	Invalidation = core.Invalidation
	// SNSMessage is a message published to an SNS topic.
	SNSMessage = sns.SNSMessage
	// Modeled is the modeled AWS time, in all and by operation.
	Modeled = core.Modeled
	// LatencyKind names one modeled AWS operation.
	LatencyKind = core.LatencyKind
)

// The modeled AWS operations (core/latency.go).
const (
	ECSSteadyState        = core.ECSSteadyState
	ListenerModify        = core.ListenerModify
	LambdaPublish         = core.LambdaPublish
	LambdaAlias           = core.LambdaAlias
	KVSPropagation        = core.KVSPropagation
	InvalidationCompleted = core.InvalidationCompleted
	DistributionUpdate    = core.DistributionUpdate
)

var (
	// IsolateShared gives a test process its own machine-wide registries.
	IsolateShared = core.IsolateShared
	// ModeledTime is the modeled AWS time spent so far.
	ModeledTime = core.ModeledTime
	// ResetModeledTime sets the modeled AWS time back to zero.
	ResetModeledTime = core.ResetModeledTime
	// ErrorCode is the AWS error code of an error the sandbox returned.
	ErrorCode = ecr.ErrorCode
)

// Account is the simulated AWS account stored in a state directory
// (sandbox/core), with the calls of every service that tests and the CLI
// make on it directly rather than through the AWS endpoint.
type Account struct{ *core.Account }

// OpenAccount opens (creating if needed) the simulated account in stateDir.
// It reads the state once so a corrupt file is reported immediately.
func OpenAccount(stateDir string) (*Account, error) {
	a, err := core.OpenAccount(stateDir)
	if err != nil {
		return nil, err
	}
	return &Account{a}, nil
}

// ListenHTTP serves the front door for the account on a loopback port until
// ctx ends or the closer is closed.
func ListenHTTP(ctx context.Context, a *Account) (string, io.Closer, error) {
	return frontdoor.ListenHTTP(ctx, a.Account)
}

// PushImage pushes program into the ECR repository under tag, as an image
// for platform (linux/arm64; "" names none) (sandbox/ecr).
func (a *Account) PushImage(repository, tag, platform string, program []byte) (PushedImage, error) {
	return ecr.PushImage(a.Account, repository, tag, platform, program)
}

// HasRepository reports whether the account holds the ECR repository name.
func (a *Account) HasRepository(name string) (bool, error) {
	return ecr.HasRepository(a.Account, name)
}

// Invalidations lists the CloudFront distribution's invalidations.
func (a *Account) Invalidations(distributionID string) ([]Invalidation, error) {
	return cloudfront.Invalidations(a.Account, distributionID)
}

// MarkUnhealthy makes the front door answer 503 for the release version.
func (a *Account) MarkUnhealthy(version string) error {
	return frontdoor.MarkUnhealthy(a.Account, version)
}

// MarkHealthy undoes MarkUnhealthy.
func (a *Account) MarkHealthy(version string) error {
	return frontdoor.MarkHealthy(a.Account, version)
}

// SNSMessages lists the messages published to the topic.
func (a *Account) SNSMessages(topicArn string) ([]SNSMessage, error) {
	return sns.SNSMessages(a.Account, topicArn)
}

// PutParameter stores an SSM parameter, as PutParameter does.
func (a *Account) PutParameter(name, typ, value string, overwrite bool) error {
	return ssm.PutParameter(a.Account, name, typ, value, overwrite)
}

// SetAlarmState sets a CloudWatch alarm's state, as SetAlarmState does.
func (a *Account) SetAlarmState(name, value, reason string) error {
	return cloudwatch.SetAlarmState(a.Account, name, value, reason)
}

// PutLogEvents appends events to a CloudWatch Logs stream.
func (a *Account) PutLogEvents(group, stream string, events ...LogEvent) error {
	return logs.PutLogEvents(a.Account, group, stream, events...)
}

// LogMessages returns the messages of a CloudWatch Logs group's events
// that match a filter pattern ("" = all), oldest first, as FilterLogEvents
// selects them.
func (a *Account) LogMessages(group, pattern string) ([]string, error) {
	evs, err := logs.FilterLogEvents(a.Account, logs.LogQuery{Group: group, Pattern: pattern})
	out := make([]string, 0, len(evs))
	for _, e := range evs {
		out = append(out, e.Message)
	}
	return out, err
}

// SimulateCircuitBreaker arms the ECS deployment circuit breaker of the
// service: its next task definition change is rolled back.
func (a *Account) SimulateCircuitBreaker(service string) error {
	return ecs.SimulateCircuitBreaker(a.Account, service)
}

// Serve starts the AWS endpoint and the front door on loopback ports over
// the account in the background, until Close or ctx ends.
func Serve(ctx context.Context, a *Account) (*Endpoint, error) {
	return serveAccount(ctx, a.Account, ServeOptions{})
}

// ServeOptions add to what an endpoint serves beside the account's own
// resources.
type ServeOptions struct {
	// Buckets are S3 buckets kept in directories: a team's state bucket,
	// which exists before any stack (sandbox/s3's DirBucket).
	Buckets []DirBucket
}

// DirBucket is an S3 bucket whose objects are the files under Dir.
type DirBucket = s3svc.DirBucket

// ServeWith is Serve also serving opts' buckets.
func ServeWith(ctx context.Context, a *Account, opts ServeOptions) (*Endpoint, error) {
	return serveAccount(ctx, a.Account, opts)
}

// LocalRoute is one public endpoint of a stack served at a local address
// (see package localurl); ErrNoLocalTarget is what its Target returns while
// the stack has no such endpoint.
type (
	LocalRoute = localurl.Route
	LocalURLs  = localurl.Server
)

var ErrNoLocalTarget = localurl.ErrNoTarget

// OpenLocalURLs opens a local address per route that sends its requests to
// the front door with the route's host name (call Serve to answer).
func OpenLocalURLs(frontDoor string, basePort int, routes []LocalRoute) (*LocalURLs, error) {
	return localurl.Open(frontDoor, basePort, routes)
}

// StopWorkloads stops every task and function process this process runs
// for the account (workload.StopWorkloads).
func (a *Account) StopWorkloads() error { return workload.StopWorkloads(a.Account) }
