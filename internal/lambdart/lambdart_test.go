package lambdart_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/lambdart"
)

// The test binary doubles as a Lambda function: with LAMBDART_TEST_FUNCTION
// set it runs aws-lambda-go's real runtime client against
// AWS_LAMBDA_RUNTIME_API instead of the tests, so the server is checked
// against the client functions actually use.
func TestMain(m *testing.M) {
	if os.Getenv("LAMBDART_TEST_FUNCTION") != "" {
		lambda.Start(testFunction)
		return
	}
	os.Exit(m.Run())
}

type testEvent struct {
	Action string `json:"action"`
	Sleep  string `json:"sleep,omitempty"`
	Size   int    `json:"size,omitempty"`
	Var    string `json:"var,omitempty"`
}

type testReply struct {
	Action      string `json:"action"`
	RequestID   string `json:"requestId"`
	FunctionARN string `json:"functionArn"`
	DeadlineIn  int64  `json:"deadlineInMs"`
	PID         int    `json:"pid"`
	Filler      string `json:"filler,omitempty"`
	Env         string `json:"env,omitempty"`
}

func testFunction(ctx context.Context, ev testEvent) (testReply, error) {
	lc, _ := lambdacontext.FromContext(ctx)
	deadline, _ := ctx.Deadline()
	reply := testReply{Action: ev.Action, RequestID: lc.AwsRequestID, FunctionARN: lc.InvokedFunctionArn,
		DeadlineIn: time.Until(deadline).Milliseconds(), PID: os.Getpid()}
	switch ev.Action {
	case "fail":
		return reply, errors.New("boom")
	case "sleep":
		d, _ := time.ParseDuration(ev.Sleep)
		time.Sleep(d)
	case "exit":
		os.Exit(3)
	case "env":
		reply.Env = os.Getenv(ev.Var)
	case "big":
		reply.Filler = strings.Repeat("x", ev.Size)
	}
	return reply, nil
}

// startFunction runs the test binary as the function's process.
func startFunction(t *testing.T, srv *lambdart.Server) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LAMBDART_TEST_FUNCTION=1", "AWS_LAMBDA_RUNTIME_API="+srv.Addr())
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
}

func start(t *testing.T, opts lambdart.Options) *lambdart.Server {
	t.Helper()
	srv, err := lambdart.Start(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

func invoke(t *testing.T, srv *lambdart.Server, ev testEvent) (testReply, error) {
	t.Helper()
	raw, err := json.Marshal(ev)
	require.NoError(t, err)
	out, err := srv.Invoke(context.Background(), raw)
	var reply testReply
	if err == nil {
		require.NoError(t, json.Unmarshal(out, &reply))
	}
	return reply, err
}

const arn = "arn:aws:lambda:us-east-1:123456789012:function:kirikae:live"

func TestInvocationsReachTheRealRuntimeClient(t *testing.T) {
	srv := start(t, lambdart.Options{Timeout: 5 * time.Second, FunctionARN: arn})
	startFunction(t, srv)

	seen := map[string]bool{}
	var pid int
	for range 3 {
		reply, err := invoke(t, srv, testEvent{Action: "echo"})
		require.NoError(t, err)
		assert.Equal(t, "echo", reply.Action)
		assert.Equal(t, arn, reply.FunctionARN)
		assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, reply.RequestID)
		assert.False(t, seen[reply.RequestID], "request ids are unique")
		seen[reply.RequestID] = true
		// The deadline header is the function timeout from pick-up.
		assert.LessOrEqual(t, reply.DeadlineIn, int64(5000))
		assert.Greater(t, reply.DeadlineIn, int64(3000))
		if pid != 0 {
			assert.Equal(t, pid, reply.PID, "one warm process serves every invocation")
		}
		pid = reply.PID
	}
}

func TestFunctionErrorIsReported(t *testing.T) {
	srv := start(t, lambdart.Options{Timeout: 5 * time.Second})
	startFunction(t, srv)
	_, err := invoke(t, srv, testEvent{Action: "fail"})
	var fe *lambdart.FunctionError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "boom", fe.Message)
	assert.Equal(t, "errorString", fe.Type)
	assert.Contains(t, string(fe.Payload), `"errorMessage":"boom"`)

	// The environment keeps serving after a handled error.
	reply, err := invoke(t, srv, testEvent{Action: "echo"})
	require.NoError(t, err)
	assert.Equal(t, "echo", reply.Action)
}

func TestTimeout(t *testing.T) {
	srv := start(t, lambdart.Options{Timeout: 300 * time.Millisecond})
	startFunction(t, srv)
	began := time.Now()
	_, err := invoke(t, srv, testEvent{Action: "sleep", Sleep: "2s"})
	require.ErrorIs(t, err, lambdart.ErrTimeout)
	assert.Less(t, time.Since(began), 1500*time.Millisecond, "Invoke returns at the deadline, not when the function finishes")
}

func TestResponseOver6MBIsAnError(t *testing.T) {
	srv := start(t, lambdart.Options{Timeout: 10 * time.Second})
	startFunction(t, srv)
	_, err := invoke(t, srv, testEvent{Action: "big", Size: 6*1024*1024 + 1})
	var fe *lambdart.FunctionError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "Function.ResponseSizeTooLarge", fe.Type)
}

func TestNoRuntimeIsNotReady(t *testing.T) {
	srv := start(t, lambdart.Options{InitTimeout: 200 * time.Millisecond})
	_, err := srv.Invoke(context.Background(), []byte(`{}`))
	require.ErrorIs(t, err, lambdart.ErrNotReady)
}

func TestInitErrorIsServedToTheInvoke(t *testing.T) {
	srv := start(t, lambdart.Options{})
	res, err := http.Post("http://"+srv.Addr()+"/2018-06-01/runtime/init/error", "application/json",
		strings.NewReader(`{"errorMessage":"missing config","errorType":"InitFailed"}`))
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Equal(t, http.StatusAccepted, res.StatusCode)

	_, err = srv.Invoke(context.Background(), []byte(`{}`))
	var fe *lambdart.FunctionError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "InitFailed", fe.Type)
	assert.Equal(t, "missing config", fe.Message)
}

func TestUnknownRequestIDIs400(t *testing.T) {
	srv := start(t, lambdart.Options{})
	res, err := http.Post("http://"+srv.Addr()+"/2018-06-01/runtime/invocation/nope/response", "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	defer res.Body.Close()
	assert.Equal(t, http.StatusBadRequest, res.StatusCode)
	var doc map[string]string
	require.NoError(t, json.NewDecoder(res.Body).Decode(&doc))
	assert.Equal(t, "InvalidRequestID", doc["errorType"])
}

func TestCloseReleasesAWaitingRuntime(t *testing.T) {
	srv, err := lambdart.Start(lambdart.Options{})
	require.NoError(t, err)
	got := make(chan int, 1)
	go func() {
		res, err := http.Get("http://" + srv.Addr() + "/2018-06-01/runtime/invocation/next")
		if err != nil {
			got <- 0
			return
		}
		_ = res.Body.Close()
		got <- res.StatusCode
	}()
	time.Sleep(100 * time.Millisecond) // let the long poll arrive
	require.NoError(t, srv.Close())
	select {
	case code := <-got:
		assert.Equal(t, http.StatusInternalServerError, code)
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting runtime was not released")
	}
	_, err = srv.Invoke(context.Background(), []byte(`{}`))
	assert.ErrorIs(t, err, lambdart.ErrClosed)
}

func TestCallerCancellation(t *testing.T) {
	srv := start(t, lambdart.Options{Timeout: 10 * time.Second})
	startFunction(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	raw, _ := json.Marshal(testEvent{Action: "sleep", Sleep: "3s"})
	_, err := srv.Invoke(ctx, raw)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}
