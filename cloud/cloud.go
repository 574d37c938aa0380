// Package cloud is the small set of AWS data-plane calls a deploy needs
// beyond what Pulumi manages: frontend release uploads and pruning, CloudFront
// invalidations, ECS rollout inspection, and the HTTP client that verifies a
// release. It has one implementation, aws-sdk-go-v2 (aws.go): against the
// sandbox only the endpoint and credentials differ (NewAt), so the code that
// runs against AWS is the code every sandbox test exercises.
package cloud

import (
	"context"
	"net/http"
)

// Cloud is what deploy calls outside the Pulumi engine.
type Cloud interface {
	// PutObject stores one object (frontend release files).
	PutObject(ctx context.Context, bucket, key string, body []byte, contentType string) error
	// ListPrefixes returns the distinct "directories" directly under prefix,
	// e.g. ListPrefixes(b, "releases/") → ["r1", "r2"], sorted.
	ListPrefixes(ctx context.Context, bucket, prefix string) ([]string, error)
	// DeletePrefix deletes every object under prefix and returns how many.
	DeletePrefix(ctx context.Context, bucket, prefix string) (int, error)
	// ObjectVersions counts a bucket's object versions and delete markers:
	// what keeps S3 from deleting the bucket.
	ObjectVersions(ctx context.Context, bucket string) (int, error)
	// EmptyBucket deletes every object version and delete marker in a
	// bucket and returns how many.
	EmptyBucket(ctx context.Context, bucket string) (int, error)
	// RepositoryImages counts the images in an ECR repository of the
	// caller's account (0 when the repository does not exist).
	RepositoryImages(ctx context.Context, repository string) (int, error)
	// EmptyRepository deletes every image of an ECR repository and returns
	// how many.
	EmptyRepository(ctx context.Context, repository string) (int, error)
	// PutObjectMeta stores one object with its Content-Type and
	// Cache-Control.
	PutObjectMeta(ctx context.Context, bucket, key string, body []byte, meta ObjectMeta) error
	// ListObjects lists every object under prefix with its ETag.
	ListObjects(ctx context.Context, bucket, prefix string) ([]Object, error)
	// CopyObject copies one object server-side, with its metadata, and
	// returns the copy's ETag.
	CopyObject(ctx context.Context, srcBucket, srcKey, dstBucket, dstKey string) (string, error)
	// GetObject reads one object's body.
	GetObject(ctx context.Context, bucket, key string) ([]byte, error)
	// DeleteObjects deletes the given keys and returns how many.
	DeleteObjects(ctx context.Context, bucket string, keys []string) (int, error)
	// Invalidate asks CloudFront to drop cached paths (e.g. "/*").
	Invalidate(ctx context.Context, distributionID string, paths []string) error
	// InvalidateAndWait invalidates paths and waits until CloudFront
	// reports the invalidation Completed; a wait past opts.MaxWait is an
	// *InvalidationTimeoutError.
	InvalidateAndWait(ctx context.Context, distributionID string, paths []string, opts WaitOptions) error
	// RunningTaskDefinition returns the task definition ARN the ECS service's
	// PRIMARY deployment runs. When the deployment circuit breaker rolled a
	// deployment back, this differs from the one kirikae requested.
	RunningTaskDefinition(ctx context.Context, cluster, service string) (string, error)
	// ServiceStatus reads an ECS service's running and desired task counts
	// and the task definition its PRIMARY deployment runs.
	ServiceStatus(ctx context.Context, cluster, service string) (ServiceStatus, error)
	// AliasVersion reads the version a Lambda alias points at, and the
	// routing weight of a second version, if any.
	AliasVersion(ctx context.Context, function, alias string) (AliasStatus, error)
	// Alarms reads the state of the CloudWatch alarms whose names start
	// with prefix.
	Alarms(ctx context.Context, prefix string) ([]Alarm, error)
	// ImageDigest resolves an ECR image to its manifest digest; a missing
	// image or repository is an *ImageNotFoundError.
	ImageDigest(ctx context.Context, ref ImageRef) (string, error)
	// HasImages reports whether an ECR repository holds any image.
	HasImages(ctx context.Context, registryID, repository string) (bool, error)
	// ImagePlatforms returns the platforms (linux/arm64) an image runs on.
	ImagePlatforms(ctx context.Context, ref ImageRef) ([]string, error)
	// RepositoryURI returns where images of an ECR repository are pushed.
	RepositoryURI(ctx context.Context, registryID, repository string) (string, error)
	// Parameter reads an SSM Parameter Store value, decrypting a
	// SecureString: where a stack keeps the credentials its notifications
	// need, readable by the deploy role and not by the preview role.
	Parameter(ctx context.Context, name string) (string, error)
	// LogEvents reads one page of a CloudWatch Logs group's events.
	LogEvents(ctx context.Context, q LogQuery) (LogPage, error)
	// ObjectRevision names the content an S3 key holds now: its version
	// id, else its quoted ETag (an s3:// Lambda artifact).
	ObjectRevision(ctx context.Context, bucket, key string) (string, error)
	// FunctionVersions lists a Lambda function's published versions.
	FunctionVersions(ctx context.Context, function string) ([]string, error)
	// FunctionCodeSha256 is the CodeSha256 Lambda reports for one version
	// of a function: the base64 SHA-256 of the package it runs.
	FunctionCodeSha256(ctx context.Context, function, version string) (string, error)
	// DeleteFunctionVersion deletes one published version of a function.
	DeleteFunctionVersion(ctx context.Context, function, version string) error
	// Publish sends a message to an SNS topic (deploy notifications).
	Publish(ctx context.Context, topicArn, subject, message string) (string, error)
	// HTTPClient is the client verification uses: the default one for real
	// AWS; for the sandbox, one that dials the simulated front door for
	// every AWS-shaped host name.
	HTTPClient() *http.Client
	// Tasks runs one-off ECS tasks (migrations).
	Tasks
}

// ServiceStatus is what ECS reports about one service.
type ServiceStatus struct {
	Service        string `json:"service"`
	Running        int    `json:"running"`
	Desired        int    `json:"desired"`
	TaskDefinition string `json:"taskDefinition"` // of the PRIMARY deployment
}

// AliasStatus is what Lambda reports about one alias.
type AliasStatus struct {
	Version string `json:"version"`
	// Canary is the second version the alias routes a share to, if any.
	Canary       string  `json:"canary,omitempty"`
	CanaryWeight float64 `json:"canaryWeight,omitempty"`
}

// Alarm is one CloudWatch alarm's state.
type Alarm struct {
	Name   string `json:"name"`
	State  string `json:"state"` // OK, ALARM, INSUFFICIENT_DATA
	Reason string `json:"reason,omitempty"`
}
