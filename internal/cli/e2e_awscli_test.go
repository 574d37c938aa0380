package cli_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/internal/testproject"
)

// serveBanner is the first line of `sandbox serve --json`.
type serveBanner struct {
	AWSEndpoint     string `json:"awsEndpoint"`
	FrontDoor       string `json:"frontDoor"`
	Region          string `json:"region"`
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	URLs            struct {
		URL         string `json:"url"`
		FrontendURL string `json:"frontendUrl"`
		TestURL     string `json:"testUrl"`
	} `json:"urls"`
}

// startServe runs `kirikae sandbox serve --json` in dir and returns its
// banner and the running command.
func startServe(t *testing.T, dir string) (serveBanner, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(kirikaeBin(t), "sandbox", "serve", "--stack", "staging", "--json")
	cmd.Dir = dir
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err, "serve printed no banner; stderr: %s", stderr.String())
	var b serveBanner
	require.NoError(t, json.Unmarshal([]byte(line), &b), line)
	return b, cmd
}

// needAWS finds the AWS CLI; it may be missing only when CI is unset.
func needAWS(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("aws CLI not installed (CI is unset)")
		}
		t.Fatalf("aws CLI not installed; CI=%q needs it (Debian package awscli)", os.Getenv("CI"))
	}
	return path
}

// awsAt runs the real AWS CLI against the sandbox with the credentials the
// banner printed and no user configuration.
func awsAt(t *testing.T, b serveBanner, args ...string) string {
	t.Helper()
	out, err := awsCmd(t, b, args...).Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		t.Fatalf("aws %v: %v: %s", args, err, ee.Stderr)
	}
	require.NoError(t, err)
	return string(out)
}

// awsCmd is the AWS CLI command against the sandbox's endpoint.
func awsCmd(t *testing.T, b serveBanner, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(needAWS(t), append([]string{"--endpoint-url", b.AWSEndpoint, "--output", "json"}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "AWS_ACCESS_KEY_ID="+b.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+b.SecretAccessKey,
		"AWS_DEFAULT_REGION="+b.Region, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_MAX_ATTEMPTS=1")
	return cmd
}

func field(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			require.True(t, ok, "%v is not an object at %q", v, k)
			v = m[k]
		case int:
			l, ok := v.([]any)
			require.True(t, ok && len(l) > k, "%v has no item %d", v, k)
			v = l[k]
		}
	}
	return v
}

func TestAWSCLIAgainstSandboxServe(t *testing.T) {
	needAWS(t)
	testproject.CLI(t)
	dir := testproject.Copy(t)
	r := kirikae(t, dir, "up", "--stack", "staging", "--sandbox")
	require.Equal(t, 0, r.code, r.stderr)
	var outs struct {
		Outputs map[string]map[string]any `json:"outputs"`
	}
	kirikaeJSON(t, dir, &outs, "outputs", "--stack", "staging", "--sandbox")
	out := func(k string) string { s, _ := outs.Outputs[k]["value"].(string); return s }

	b, serve := startServe(t, dir)
	assert.Equal(t, testproject.Stack(t, dir, "staging").Region, b.Region, "the stack's region")

	t.Run("one serve per project", func(t *testing.T) {
		r := kirikae(t, dir, "sandbox", "serve", "--stack", "staging")
		assert.Equal(t, 2, r.code)
		assert.Contains(t, r.stderr, "already running")
		assert.Contains(t, r.stderr, b.AWSEndpoint)
		assert.Equal(t, 1, strings.Count(strings.TrimSpace(r.stderr), "\n")+1, "one line: %s", r.stderr)
	})
	t.Run("other commands run while it serves", func(t *testing.T) {
		r := kirikae(t, dir, "outputs", "--stack", "staging", "--sandbox")
		assert.Equal(t, 0, r.code, r.stderr)
	})
	t.Run("s3 ls", func(t *testing.T) {
		got := awsAt(t, b, "s3", "ls", "s3://"+out("frontendBucket")+"/releases/")
		assert.Contains(t, got, "PRE "+out("frontendRelease")+"/")
	})
	t.Run("ecs describe-services", func(t *testing.T) {
		var got any
		require.NoError(t, json.Unmarshal([]byte(awsAt(t, b, "ecs", "describe-services",
			"--cluster", out("clusterName"), "--services", out("activeService"))), &got))
		assert.Equal(t, "PRIMARY", field(t, got, "services", 0, "deployments", 0, "status"))
		assert.Equal(t, out("activeTaskDefinition"), field(t, got, "services", 0, "deployments", 0, "taskDefinition"))
	})
	t.Run("cloudfront get-distribution", func(t *testing.T) {
		var got any
		require.NoError(t, json.Unmarshal([]byte(awsAt(t, b, "cloudfront", "get-distribution", "--id", out("distributionId"))), &got))
		front, err := url.Parse(out("frontendUrl"))
		require.NoError(t, err)
		assert.Equal(t, front.Host, field(t, got, "Distribution", "DomainName"))
		origin := field(t, got, "Distribution", "DistributionConfig", "Origins", "Items", 0, "OriginPath")
		// The origin stays at the bucket root: a function picks the release.
		assert.Equal(t, "", origin)
	})
	t.Run("sts get-caller-identity", func(t *testing.T) {
		var got any
		require.NoError(t, json.Unmarshal([]byte(awsAt(t, b, "sts", "get-caller-identity")), &got))
		acct, err := deploy.OpenSandboxAccount(dir, "staging")
		require.NoError(t, err)
		assert.Equal(t, acct.ID(), field(t, got, "Account"), "the account the stack deploys into, with its own id")
	})
	t.Run("read everything", func(t *testing.T) { checkAWSReads(t, b, dir, out) })
	t.Run("front door by host name", func(t *testing.T) {
		api, err := url.Parse(out("url"))
		require.NoError(t, err)
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+b.FrontDoor+"/healthz", nil)
		require.NoError(t, err)
		req.Host = api.Host
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, out("imageTag"), resp.Header.Get("X-Kirikae-Version"))
	})

	require.NoError(t, serve.Process.Signal(syscall.SIGINT))
	done := make(chan error, 1)
	go func() { done <- serve.Wait() }()
	select {
	case err := <-done:
		assert.NoError(t, err, "SIGINT is a clean stop (exit 0)")
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on SIGINT")
	}
}
