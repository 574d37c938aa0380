package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/testproject"
)

// serveInBackground runs `sandbox serve` in dir until ctx ends and returns
// its first output line and a channel with its exit code.
func serveInBackground(t *testing.T, ctx context.Context, dir string, args ...string) (string, <-chan int) {
	t.Helper()
	r, w := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, append([]string{"sandbox", "serve", "--stack", "staging", "--cwd", dir}, args...),
			&IO{In: strings.NewReader(""), Out: w, ErrOut: io.Discard})
		w.Close()
	}()
	line, err := bufio.NewReader(r).ReadString('\n')
	require.NoError(t, err)
	go func() { _, _ = io.Copy(io.Discard, r) }()
	return line, done
}

func TestSandboxServeJSONBannerAndCleanStop(t *testing.T) {
	dir := testproject.Copy(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	line, done := serveInBackground(t, ctx, dir, "--json")
	var full struct {
		URLs map[string]string `json:"urls"`
	}
	require.NoError(t, json.Unmarshal([]byte(line), &full), line)
	urls := full.URLs
	banner := map[string]string{}
	var fields map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(line), &fields), line)
	for _, k := range []string{"awsEndpoint", "frontDoor", "region", "accessKeyId", "secretAccessKey"} {
		var v string
		require.NoError(t, json.Unmarshal(fields[k], &v), k)
		banner[k] = v
		assert.NotEmpty(t, v, k)
	}
	// Each public endpoint has a local address a browser opens as it is;
	// before a deploy it says what to do.
	for _, k := range []string{"url", "frontendUrl", "testUrl"} {
		assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, urls[k], k)
	}
	resp, err := http.Get(urls["url"] + "/version")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Contains(t, string(body), "kirikae up")
	code, out, errOut := runMain("open", "--stack", "staging", "--sandbox", "--cwd", dir)
	assert.Equal(t, ExitOK, code, errOut)
	assert.Equal(t, urls["frontendUrl"]+"/\n", out)

	// The banner is enough to reach the endpoint with an AWS SDK: the
	// staging bucket does not exist before a deploy, and S3 says so.
	client := s3.New(s3.Options{Region: banner["region"], BaseEndpoint: aws.String(banner["awsEndpoint"]), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(banner["accessKeyId"], banner["secretAccessKey"], "")})
	_, err = client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("nope")})
	assert.ErrorContains(t, err, "NoSuchBucket")

	code, _, errOut = runMain("sandbox", "serve", "--stack", "staging", "--cwd", dir)
	assert.Equal(t, ExitBadInput, code)
	assert.Contains(t, errOut, "already running")
	assert.Contains(t, errOut, banner["awsEndpoint"], "names the running one")
	assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)

	cancel()
	select {
	case code := <-done:
		assert.Equal(t, ExitOK, code, "an interrupt is a clean stop")
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}

	// Stopped, open and env say how to start it.
	for _, args := range [][]string{{"open", "--stack", "staging", "--sandbox"}, {"sandbox", "env", "--stack", "staging"}} {
		code, _, errOut = runMain(append(args, "--cwd", dir)...)
		assert.Equal(t, ExitBadInput, code, args)
		assert.Contains(t, errOut, "`kirikae sandbox serve --stack staging", args)
	}

	// Stopped, the lock is free again.
	ctx2, cancel2 := context.WithCancel(context.Background())
	line, done = serveInBackground(t, ctx2, dir)
	assert.Contains(t, line, "sandbox: simulated AWS of stack staging")
	cancel2()
	assert.Equal(t, ExitOK, <-done)
}

func TestSandboxServeUnknownStack(t *testing.T) {
	code, _, errOut := runMain("sandbox", "serve", "--stack", "nope", "--cwd", testproject.Copy(t))
	assert.Equal(t, ExitBadInput, code)
	assert.Contains(t, errOut, `unknown stack "nope"`)
}
