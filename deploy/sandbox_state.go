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
// engine's StartState.
func sandboxStateFor(projectDir string) func(context.Context, string, string) (*engine.StateBackend, error) {
	return func(ctx context.Context, accountDir, region string) (*engine.StateBackend, error) {
		creds, err := sandboxCredentials(projectDir, accountDir)
		if err != nil {
			return nil, err
		}
		return serveSandboxState(ctx, PathsFor(projectDir, true).Backend, accountDir, region, creds)
	}
}

// serveSandboxState serves the state directory as SandboxStateBucket
// through an endpoint of the account kept in accountDir, and opens the
// stores the session uses there with creds.
func serveSandboxState(ctx context.Context, stateDir, accountDir, region string, creds sandboxCreds) (*engine.StateBackend, error) {
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return nil, fmt.Errorf("create state dir: %w", err)
	}
	acct, err := sandbox.OpenAccount(accountDir)
	if err != nil {
		return nil, fmt.Errorf("open sandbox account: %w", err)
	}
	ep, err := sandbox.ServeWith(context.WithoutCancel(ctx), acct, stateServeOptions(stateDir))
	if err != nil {
		return nil, err
	}
	client := cloud.S3ClientAt(cloud.Endpoint{URL: ep.URL, Region: region,
		AccessKeyID: creds.key, SecretAccessKey: creds.secret, SessionToken: creds.token})
	return &engine.StateBackend{
		URL:     SandboxBackendURL(ep.URL, region),
		Env:     sandboxCLIEnv(region, creds),
		Records: backend.NewS3(client, SandboxStateBucket, ""),
		Files:   backend.NewS3Files(client, SandboxStateBucket, ""),
		Close:   ep.Close,
	}, nil
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
