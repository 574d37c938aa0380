package lambdart_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/lambdart"
)

// taskRoot is a deployment package whose bootstrap is this test binary
// (see TestMain).
func taskRoot(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	self, err := os.Executable()
	require.NoError(t, err)
	require.NoError(t, os.Symlink(self, filepath.Join(dir, "bootstrap")))
	return dir
}

func newFunction(t *testing.T, timeout time.Duration) *lambdart.Function {
	t.Helper()
	f := lambdart.NewFunction(lambdart.FunctionOptions{
		Options:  lambdart.Options{Timeout: timeout},
		TaskRoot: taskRoot(t),
		Env:      []string{"LAMBDART_TEST_FUNCTION=1", "GREETING=hi"},
	})
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func call(t *testing.T, f *lambdart.Function, ev testEvent) (testReply, error) {
	t.Helper()
	raw, err := json.Marshal(ev)
	require.NoError(t, err)
	out, err := f.Invoke(context.Background(), raw)
	var reply testReply
	if err == nil {
		require.NoError(t, json.Unmarshal(out, &reply))
	}
	return reply, err
}

func TestFunctionColdStartThenWarm(t *testing.T) {
	t.Setenv("HOST_SECRET", "leak")
	f := newFunction(t, 5*time.Second)
	first, err := call(t, f, testEvent{Action: "env", Var: "GREETING"})
	require.NoError(t, err)
	assert.Equal(t, "hi", first.Env, "the function's environment is passed")
	second, err := call(t, f, testEvent{Action: "env", Var: "HOST_SECRET"})
	require.NoError(t, err)
	assert.Empty(t, second.Env, "the host's environment is not")
	assert.Equal(t, first.PID, second.PID, "a warm environment is reused")
}

func TestFunctionCrashIsExitErrorAndNextInvokeStartsFresh(t *testing.T) {
	f := newFunction(t, 5*time.Second)
	before, err := call(t, f, testEvent{Action: "echo"})
	require.NoError(t, err)

	_, err = call(t, f, testEvent{Action: "exit"})
	var fe *lambdart.FunctionError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "Runtime.ExitError", fe.Type)
	assert.Contains(t, fe.Message, "exit status 3")

	after, err := call(t, f, testEvent{Action: "echo"})
	require.NoError(t, err)
	assert.NotEqual(t, before.PID, after.PID, "a new environment after the crash")
}

func TestFunctionTimeoutDiscardsTheEnvironment(t *testing.T) {
	f := newFunction(t, 500*time.Millisecond)
	before, err := call(t, f, testEvent{Action: "echo"})
	require.NoError(t, err)
	_, err = call(t, f, testEvent{Action: "sleep", Sleep: "5s"})
	require.ErrorIs(t, err, lambdart.ErrTimeout)
	after, err := call(t, f, testEvent{Action: "echo"})
	require.NoError(t, err)
	assert.NotEqual(t, before.PID, after.PID)
}

func TestBootstrapMissingOrNotExecutable(t *testing.T) {
	empty := lambdart.NewFunction(lambdart.FunctionOptions{TaskRoot: t.TempDir()})
	_, err := empty.Invoke(context.Background(), []byte(`{}`))
	var fe *lambdart.FunctionError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "Runtime.InvalidEntrypoint", fe.Type)
	assert.Contains(t, fe.Message, "Couldn't find valid bootstrap")

	// What a directory archive that lost the exec bit deploys.
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bootstrap"), []byte("#!/bin/sh\nexit 0\n"), 0o644))
	noExec := lambdart.NewFunction(lambdart.FunctionOptions{TaskRoot: dir})
	_, err = noExec.Invoke(context.Background(), []byte(`{}`))
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "Runtime.InvalidEntrypoint", fe.Type)
	assert.Contains(t, fe.Message, "permission denied")
}
