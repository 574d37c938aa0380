package deploy

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/kirikae/kirikae/backend"
	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/engine"
	"github.com/kirikae/kirikae/sandbox"
)

// SandboxStateBucket is the sandbox's state bucket: the S3 bucket a team
// keeps its Pulumi state and kirikae's records in, created before any
// stack. The sandbox serves it from the project's .kirikae/sandbox/state
// directory through the account's S3 endpoint, so Pulumi and kirikae
// reach their state as they do on AWS (an s3:// backend) and every read
// and write is authorised against the command's role
// (KIRIKAE_SANDBOX_ROLE): the state statements of `kirikae iam policy`
// are enforced like every other.
const SandboxStateBucket = "kirikae-sandbox-state"

// sandboxStateFor serves the project's sandbox state for a session: the
// engine's StartState. The endpoint that serves it is the session's one
// sandbox endpoint: served (when not nil) receives it for the data plane
// (cloudAPI), and the engine's session closes it.
func sandboxStateFor(projectDir string, served *cloud.Endpoint) func(context.Context, string, string) (*engine.StateBackend, error) {
	return func(ctx context.Context, accountDir, region string) (*engine.StateBackend, error) {
		creds, err := sandboxCredentials(projectDir, accountDir)
		if err != nil {
			return nil, err
		}
		if region == "" {
			region = "us-east-1"
		}
		sb, at, err := serveSandboxState(ctx, PathsFor(projectDir, true).Backend, accountDir, region, creds)
		if err == nil && served != nil {
			*served = at
		}
		return sb, err
	}
}

// serveSandboxState serves the account kept in accountDir as AWS at a
// local endpoint, with the state directory as SandboxStateBucket, and
// opens the stores the session uses there with creds. The returned
// cloud.Endpoint is that endpoint for the aws-sdk-go-v2 data plane: the
// same clients as against AWS, signing with creds (the administrator's
// key, or a role session's), reaching the simulated load balancers,
// API Gateway and CloudFront through the front door. The endpoint
// outlives ctx: the StateBackend's Close stops it.
func serveSandboxState(ctx context.Context, stateDir, accountDir, region string, creds sandboxCreds) (*engine.StateBackend, cloud.Endpoint, error) {
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return nil, cloud.Endpoint{}, fmt.Errorf("create state dir: %w", err)
	}
	acct, err := sandbox.OpenAccount(accountDir)
	if err != nil {
		return nil, cloud.Endpoint{}, fmt.Errorf("open sandbox account: %w", err)
	}
	ep, err := sandbox.ServeWith(context.WithoutCancel(ctx), acct, stateServeOptions(stateDir))
	if err != nil {
		return nil, cloud.Endpoint{}, err
	}
	at := cloud.Endpoint{URL: ep.URL, Region: region,
		AccessKeyID: creds.key, SecretAccessKey: creds.secret, SessionToken: creds.token,
		HTTPClient: sandbox.FrontDoorClient(ep.FrontDoor)}
	client := cloud.S3ClientAt(at)
	return &engine.StateBackend{
		URL:     SandboxBackendURL(ep.URL, region),
		Env:     sandboxCLIEnv(region, creds),
		Records: backend.NewS3(client, SandboxStateBucket, ""),
		Files:   backend.NewS3Files(client, SandboxStateBucket, ""),
		Close:   ep.Close,
	}, at, nil
}

// SandboxBackendURL is the Pulumi DIY backend URL of the sandbox's state
// bucket served at endpoint: gocloud's s3blob parameters
// (https://pkg.go.dev/gocloud.dev/blob/s3blob#URLOpener).
func SandboxBackendURL(endpoint, region string) string {
	q := url.Values{"endpoint": {endpoint}, "use_path_style": {"true"}, "region": {region}}
	return "s3://" + SandboxStateBucket + "?" + q.Encode()
}

// sandboxCLIEnv are the credentials the Pulumi CLI reaches the state
// bucket with: the command's (the administrator's, or its role session's),
// and nothing of the user's own AWS configuration (a profile of theirs
// would win over them: https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html).
func sandboxCLIEnv(region string, creds sandboxCreds) map[string]string {
	return map[string]string{
		"AWS_ACCESS_KEY_ID": creds.key, "AWS_SECRET_ACCESS_KEY": creds.secret, "AWS_SESSION_TOKEN": creds.token,
		"AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": "", "AWS_REGION": region,
	}
}

// SandboxServeOptions is what a sandbox endpoint of the project serves
// beside its account: the project's state bucket.
func SandboxServeOptions(projectDir string) sandbox.ServeOptions {
	return stateServeOptions(PathsFor(projectDir, true).Backend)
}

func stateServeOptions(stateDir string) sandbox.ServeOptions {
	return sandbox.ServeOptions{Buckets: []sandbox.DirBucket{{Name: SandboxStateBucket, Dir: stateDir}}}
}

// isSandboxBackend reports whether a Pulumi backend URL is the sandbox's
// state bucket (at any endpoint) or its directory.
func isSandboxBackend(projectDir, backendURL string) bool {
	return strings.HasPrefix(backendURL, "s3://"+SandboxStateBucket+"?") || backendURL == PathsFor(projectDir, true).BackendURL("")
}
