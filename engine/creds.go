package engine

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
)

// credentialsLookup bounds the SDK's credential chain when no env var or
// file names credentials: on a machine outside EC2 the instance metadata
// service does not answer, and the command must still fail in seconds.
const credentialsLookup = 3 * time.Second

// HasAWSCredentials reports whether AWS credentials can be found, in the
// order of the SDK's default chain: environment, shared files, web
// identity, container credentials, and the EC2 instance metadata service
// (an instance profile: a self-hosted runner on EC2). Env vars and files
// are looked at first, without a call; only when there are none does it
// ask the chain itself, for at most credentialsLookup.
// https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html
// https://docs.aws.amazon.com/sdk-for-go/v2/developer-guide/configure-gosdk.html#specifying-credentials
func HasAWSCredentials(ctx context.Context) bool {
	if namedCredentials() {
		return true
	}
	ctx, cancel := context.WithTimeout(ctx, credentialsLookup)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil || cfg.Credentials == nil {
		return false
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	return err == nil && creds.HasKeys()
}

// namedCredentials reports whether env vars or files name credentials.
func namedCredentials() bool {
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		if os.Getenv(v) != "" {
			return true
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return false
	}
	for _, f := range []string{os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), filepath.Join(home, ".aws", "credentials"),
		os.Getenv("AWS_CONFIG_FILE"), filepath.Join(home, ".aws", "config")} {
		if f == "" {
			continue
		}
		if st, err := os.Stat(f); err == nil && st.Size() > 0 {
			return true
		}
	}
	return false
}
