package engine

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// noNamedCredentials clears every env var and file that names credentials.
func noNamedCredentials(t *testing.T) {
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_EC2_METADATA_DISABLED"} {
		t.Setenv(v, "")
	}
	t.Setenv("HOME", t.TempDir())
	t.Setenv("AWS_REGION", "us-east-1")
}

// fakeIMDS answers as the EC2 instance metadata service (IMDSv2) of an
// instance with a profile, or of one without (role "").
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html#instance-metadata-security-credentials
func fakeIMDS(t *testing.T, role string) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPut && r.URL.Path == "/latest/api/token":
			w.Header().Set("X-Aws-Ec2-Metadata-Token-Ttl-Seconds", r.Header.Get("X-Aws-Ec2-Metadata-Token-Ttl-Seconds"))
			_, _ = w.Write([]byte("token"))
		case r.Header.Get("X-aws-ec2-metadata-token") != "token":
			w.WriteHeader(http.StatusUnauthorized)
		case role == "":
			w.WriteHeader(http.StatusNotFound)
		case strings.HasSuffix(r.URL.Path, "/security-credentials/") || strings.HasSuffix(r.URL.Path, "/security-credentials-extended/"):
			_, _ = w.Write([]byte(role))
		case strings.HasSuffix(r.URL.Path, "/"+role):
			_ = json.NewEncoder(w).Encode(map[string]string{"Code": "Success", "Type": "AWS-HMAC",
				"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "secret", "Token": "session",
				"Expiration": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)})
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", srv.URL)
}

// A self-hosted runner on EC2 has an instance profile and nothing else:
// the SDK's default chain finds its credentials through IMDS.
func TestInstanceProfileCredentialsAreFound(t *testing.T) {
	noNamedCredentials(t)
	fakeIMDS(t, "runner")
	assert.True(t, HasAWSCredentials(context.Background()))
}

func TestNoCredentialsAnywhereIsFoundQuickly(t *testing.T) {
	noNamedCredentials(t)
	fakeIMDS(t, "") // an instance without a profile
	start := time.Now()
	assert.False(t, HasAWSCredentials(context.Background()))
	assert.Less(t, time.Since(start), credentialsLookup+time.Second)
}
