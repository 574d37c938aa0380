package core

import (
	"strings"
	"time"
)

// Invalidation is a CloudFront cache invalidation the simulated account
// recorded. It takes invalidationTime (scaled) to complete; until then the
// edge cache keeps serving what it held (cloudfront/cache.go).
type Invalidation struct {
	ID              string   `json:"id"`
	Paths           []string `json:"paths"`
	CallerReference string   `json:"callerReference,omitempty"`
	CreateTime      string   `json:"createTime,omitempty"` // RFC 3339, nanoseconds
	CompleteTime    string   `json:"completeTime,omitempty"`
}

// Status is InProgress until the invalidation completes, then Completed.
// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Invalidation.html
func (inv Invalidation) Status(now time.Time) string {
	if inv.CompleteTime != "" && ParseStamp(inv.CompleteTime).After(now) {
		return "InProgress"
	}
	return "Completed"
}

// Covers reports whether the invalidation drops the cached object at
// path (a cache key's URI): paths match exactly, or as a prefix when they
// end in "*".
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/invalidation-specifying-objects.html
func (inv Invalidation) Covers(path string) bool {
	for _, p := range inv.Paths {
		if pre, ok := strings.CutSuffix(p, "*"); ok && strings.HasPrefix(path, pre) || p == path {
			return true
		}
	}
	return false
}

// ListenerChange is a listener's previous default actions, which requests
// may still follow until the change is Visible everywhere.
type ListenerChange struct {
	Previous []any  `json:"previous"`
	Visible  string `json:"visible"`
}

// KVSWrite is one put or delete of a KeyValueStore key, kept until every
// edge has it so the front door can serve what an edge would still see.
type KVSWrite struct {
	Value   string `json:"value"`
	Deleted bool   `json:"deleted,omitempty"`
	At      string `json:"at"`      // when the API accepted it
	Visible string `json:"visible"` // when the edges serve it
}

// AlarmState is an alarm's state as its last evaluation (EvaluatedAt) or
// SetAlarmState (SetAt) left it; either holds until the alarm's next
// evaluation (sandbox/cloudwatch). Both are Stamps.
type AlarmState struct {
	Value       string `json:"value"` // OK, ALARM, INSUFFICIENT_DATA
	Reason      string `json:"reason"`
	SetAt       string `json:"setAt,omitempty"`
	EvaluatedAt string `json:"evaluatedAt,omitempty"`
}

// Parameter is one stored parameter. A SecureString's value is kept as
// given: the sandbox has no KMS, and only the endpoint's credentials reach it.
type Parameter struct {
	Type    string `json:"type"` // String, StringList, SecureString
	Value   string `json:"value"`
	Version int64  `json:"version"`
}

// Image is one image in an ECR repository. As in ECR, its digest is the
// sha256 of its manifest, and the manifest names the layer by its own
// sha256, so the digest changes whenever the program does.
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html
type Image struct {
	Digest   string   `json:"digest"`
	Tags     []string `json:"tags"`
	PushedAt string   `json:"pushedAt"` // RFC 3339
	Size     int64    `json:"size"`
	Manifest string   `json:"manifest"`
	Layer    string   `json:"layer"` // hex sha256 of the file under images/
	// Platform is the one platform the image's index names (linux/arm64),
	// "" for an image pushed without one.
	Platform string `json:"platform,omitempty"`
}

// LambdaState tracks a function's published versions so aliases can point at
// old ones, as in AWS.
type LambdaState struct {
	Latest    int      `json:"latest"`
	Published []string `json:"published"`
	// Code is each published version's code hash: a version is an
	// immutable snapshot of the function, so later code does not change it.
	Code map[string]string `json:"code,omitempty"`
	// Package is each published version's deployment package (sha256 of
	// the zip under StateDir/lambda), so the version's own code runs.
	Package map[string]string `json:"package,omitempty"`
}

type State struct {
	// AccountID is the simulated account's 12-digit id, drawn when the
	// account is created: every account has its own, as in AWS.
	AccountID     string                  `json:"accountId,omitempty"`
	Seq           uint64                  `json:"seq"`
	Resources     map[string]*Record      `json:"resources"`
	TaskRevisions map[string]int          `json:"taskRevisions"`
	Lambda        map[string]*LambdaState `json:"lambda"`
	Unhealthy     map[string]bool         `json:"unhealthy"`
	// InStateObjects is where accounts created before the object store
	// (core/objects_store.go) kept S3 object metadata, by bucket and key.
	// OpenAccount moves it to the store once; nothing else reads it.
	InStateObjects map[string]map[string]Object `json:"objects,omitempty"`
	Invalidations  map[string][]Invalidation    `json:"invalidations,omitempty"` // by distribution id
	// KVS are CloudFront KeyValueStore key writes by store ARN and key,
	// kept until the edges have them (cloudfront/kvs.go).
	KVS map[string]map[string][]KVSWrite `json:"kvs,omitempty"`
	// AlarmStates are alarm states by name, as evaluated or set.
	AlarmStates map[string]AlarmState `json:"alarmStates,omitempty"`
	// BreakerArmed holds ECS service ids whose next task definition change
	// the simulated deployment circuit breaker rolls back.
	BreakerArmed map[string]bool `json:"breakerArmed,omitempty"`
	// Running overrides the task definition an ECS service (by id) really
	// runs after a simulated circuit-breaker rollback.
	Running map[string]string `json:"running,omitempty"`
	// Steady is the task definition of each ECS service's last completed
	// deployment, the one the circuit breaker rolls back to.
	Steady map[string]string `json:"steady,omitempty"`
	// Images are ECR images by repository name; their programs live under
	// StateDir/images.
	Images map[string][]*Image `json:"images,omitempty"`
	// ListenerChanges are the last default-action change of each listener
	// (by ARN) while it propagates: until Visible, requests may still be
	// routed by Previous (elbv2.RoutingActions).
	ListenerChanges map[string]ListenerChange `json:"listenerChanges,omitempty"`
	// Parameters are SSM Parameter Store parameters by name.
	Parameters map[string]*Parameter `json:"parameters,omitempty"`
	// Roles are IAM roles created through IAM's API, by name (iam_state.go).
	Roles map[string]*IAMRole `json:"roles,omitempty"`
	// OIDCProviders are IAM OpenID Connect providers by ARN
	// (oidc_state.go).
	OIDCProviders map[string]*OIDCProvider `json:"oidcProviders,omitempty"`
	// OIDCKeys are, by issuer URL, the JSON Web Key Set the issuer
	// publishes (its jwks_uri), which STS fetches to verify a token. The
	// sandbox reaches no issuer on the internet, so the keys are
	// registered here instead (sandbox only: Account.PublishOIDCKeys).
	OIDCKeys map[string]string `json:"oidcKeys,omitempty"`

	// Objs is the account's S3 objects, kept out of this file so an object
	// write does not rewrite it.
	Objs ObjectStore `json:"-"`
}

func NewState() *State {
	return &State{
		Resources:     map[string]*Record{},
		TaskRevisions: map[string]int{},
		Lambda:        map[string]*LambdaState{},
		Unhealthy:     map[string]bool{},
		Invalidations: map[string][]Invalidation{},
		BreakerArmed:  map[string]bool{},
		Running:       map[string]string{},
		Images:        map[string][]*Image{},
	}
}
