package build_test

import (
	"archive/zip"
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/build"
	"github.com/kirikae/kirikae/internal/lambdart"
)

const (
	serverPkg = "../app/cmd/server"
	lambdaPkg = "../app/cmd/lambda"
)

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // a cold cross-compile of std on a busy 2-core machine
	t.Cleanup(cancel)
	return c
}

// assertStatic fails if the ELF binary asks for a dynamic loader: a cgo
// build would not start on distroless/static or scratch.
func assertStatic(t *testing.T, f *elf.File) {
	t.Helper()
	for _, p := range f.Progs {
		assert.NotEqual(t, elf.PT_INTERP, p.Type, "binary needs a dynamic loader (built with cgo?)")
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	require.NoError(t, ln.Close())
	return port
}

func TestServerBinaryRunsWithBakedVersion(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("checks a linux ELF binary")
	}
	out := filepath.Join(t.TempDir(), "server")
	require.NoError(t, build.Binary(ctx(t), serverPkg, runtime.GOOS, runtime.GOARCH, "v9.8.7", out))
	f, err := elf.Open(out)
	require.NoError(t, err)
	assertStatic(t, f)
	require.NoError(t, f.Close())

	port := freePort(t)
	cmd := exec.Command(out)
	cmd.Env = append(os.Environ(), "PORT="+port, "KIRIKAE_VERSION=not-this")
	var logs bytes.Buffer
	cmd.Stderr = &logs
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	base := "http://127.0.0.1:" + port
	var res *http.Response
	require.Eventually(t, func() bool {
		res, err = http.Get(base + "/healthz")
		return err == nil
	}, 10*time.Second, 50*time.Millisecond, "server did not come up: %s", &logs)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "ok", string(body))

	res, err = http.Get(base + "/version")
	require.NoError(t, err)
	var v map[string]string
	require.NoError(t, json.NewDecoder(res.Body).Decode(&v))
	res.Body.Close()
	assert.Equal(t, "v9.8.7", v["version"], "the version comes from -ldflags, not from the environment")

	// ECS stops a task with SIGTERM; the server drains and exits 0.
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-exited:
		assert.NoError(t, err, "exit after SIGTERM: %s", &logs)
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop on SIGTERM")
	}
}

func readZip(t *testing.T, path string) (*zip.File, []byte) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	require.NoError(t, err)
	defer zr.Close()
	require.Len(t, zr.File, 1, "the zip holds bootstrap and nothing else")
	zf := zr.File[0]
	rc, err := zf.Open()
	require.NoError(t, err)
	defer rc.Close()
	raw, err := io.ReadAll(rc)
	require.NoError(t, err)
	return zf, raw
}

func TestLambdaZipIsArm64BootstrapAndDeterministic(t *testing.T) {
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a.zip"), filepath.Join(dir, "b.zip"), filepath.Join(dir, "c.zip")
	require.NoError(t, build.LambdaZip(ctx(t), lambdaPkg, "", "v1", a))
	require.NoError(t, build.LambdaZip(ctx(t), lambdaPkg, "arm64", "v1", b))
	require.NoError(t, build.LambdaZip(ctx(t), lambdaPkg, "", "v2", c))

	zf, raw := readZip(t, a)
	assert.Equal(t, "bootstrap", zf.Name)
	assert.Equal(t, os.FileMode(0o755), zf.Mode().Perm(), "bootstrap must be executable")
	assert.True(t, zf.Mode().IsRegular())
	f, err := elf.NewFile(bytes.NewReader(raw))
	require.NoError(t, err)
	assert.Equal(t, elf.EM_AARCH64, f.Machine, "arm64 by default, the architecture the function declares")
	assertStatic(t, f)

	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	cb, _ := os.ReadFile(c)
	assert.True(t, bytes.Equal(ab, bb), "same source and version must give the same zip bytes")
	assert.False(t, bytes.Equal(ab, cb), "another version must give another zip")
}

func TestLambdaBootstrapSpeaksRuntimeAPI(t *testing.T) {
	if runtime.GOOS != "linux" || (runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64") {
		t.Skip("runs a linux bootstrap for this machine's architecture")
	}
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "function.zip")
	require.NoError(t, build.LambdaZip(ctx(t), lambdaPkg, runtime.GOARCH, "v-lambda-3", zipPath))

	// Unpack as Lambda does, with the mode the zip header carries, and run
	// bootstrap against the Runtime API with only the function's env.
	root := filepath.Join(dir, "task")
	require.NoError(t, lambdart.Extract(zipPath, root))
	var logs bytes.Buffer
	fn := lambdart.NewFunction(lambdart.FunctionOptions{
		Options:  lambdart.Options{Timeout: 5 * time.Second},
		TaskRoot: root,
		Env:      []string{"KIRIKAE_VERSION=not-this"},
		Logs:     &logs,
	})
	t.Cleanup(func() { _ = fn.Close() })

	for _, tc := range []struct {
		path   string
		status int
		body   string
	}{
		{"/version", 200, `{"version":"v-lambda-3"}`},
		{"/api/hello", 200, `{"message":"hello, world"}`},
		{"/nope", 404, `{"error":"not found"}`},
	} {
		out, err := fn.Invoke(ctx(t), httpAPIEvent(tc.path))
		require.NoError(t, err, "invoke %s: %s", tc.path, &logs)
		var res events.APIGatewayV2HTTPResponse
		require.NoError(t, json.Unmarshal(out, &res))
		assert.Equal(t, tc.status, res.StatusCode, tc.path)
		assert.JSONEq(t, tc.body, res.Body, tc.path)
		assert.Equal(t, "v-lambda-3", res.Headers["X-Kirikae-Version"], tc.path)
	}
}

// httpAPIEvent is a GET as API Gateway's HTTP API sends it with payload
// format 2.0
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
func httpAPIEvent(path string) []byte {
	return fmt.Appendf(nil, `{
  "version": "2.0", "routeKey": "$default", "rawPath": %q, "rawQueryString": "",
  "headers": {"accept": "*/*", "host": "abc123.execute-api.us-east-1.amazonaws.com"},
  "requestContext": {
    "accountId": "123456789012", "apiId": "abc123",
    "domainName": "abc123.execute-api.us-east-1.amazonaws.com", "domainPrefix": "abc123",
    "http": {"method": "GET", "path": %q, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1", "userAgent": "test"},
    "requestId": "r1", "routeKey": "$default", "stage": "$default",
    "time": "25/Nov/2026:17:00:00 +0000", "timeEpoch": 1795539600000
  },
  "isBase64Encoded": false
}`, path, path)
}

// The default zip is arm64, as the function must declare. Run as a
// function that declares arm64 it serves (under qemu on an x86_64 machine);
// on a function left at Lambda's default x86_64 it fails to start the way
// Lambda fails it, the bug a directory zip with the wrong GOARCH shipped.
func TestArm64ZipNeedsAnArm64Function(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("runs a linux bootstrap")
	}
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "function.zip")
	require.NoError(t, build.LambdaZip(ctx(t), lambdaPkg, "", "v-arm", zipPath))
	root := filepath.Join(dir, "task")
	require.NoError(t, lambdart.Extract(zipPath, root))

	undeclared := lambdart.NewFunction(lambdart.FunctionOptions{TaskRoot: root})
	t.Cleanup(func() { _ = undeclared.Close() })
	_, err := undeclared.Invoke(ctx(t), httpAPIEvent("/version"))
	var fe *lambdart.FunctionError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "Runtime.InvalidEntrypoint", fe.Type)

	arm := lambdart.NewFunction(lambdart.FunctionOptions{
		Options:  lambdart.Options{Timeout: 20 * time.Second, InitTimeout: 20 * time.Second},
		TaskRoot: root, Architecture: lambdart.ArchARM64,
	})
	t.Cleanup(func() { _ = arm.Close() })
	out, err := arm.Invoke(ctx(t), httpAPIEvent("/version"))
	if errors.Is(err, lambdart.ErrNoEmulator) && os.Getenv("CI") == "" {
		t.Skipf("%v", err)
	}
	require.NoError(t, err)
	var res events.APIGatewayV2HTTPResponse
	require.NoError(t, json.Unmarshal(out, &res))
	assert.JSONEq(t, `{"version":"v-arm"}`, res.Body)
}

func TestRejectsBadInput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x")
	err := build.Binary(ctx(t), serverPkg, "linux", "amd64", "v1 -X evil=1", out)
	assert.ErrorIs(t, err, build.ErrInvalidVersion)
	err = build.LambdaZip(ctx(t), lambdaPkg, "386", "v1", out)
	assert.ErrorIs(t, err, build.ErrInvalidArch)
	_, statErr := os.Stat(out)
	assert.True(t, os.IsNotExist(statErr), "nothing is written on bad input")
}

func TestBuildFailureCarriesCompilerOutput(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module broken\n\ngo 1.22\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\nfunc main() { undefinedThing() }\n"), 0o644))
	err := build.Binary(ctx(t), dir, runtime.GOOS, runtime.GOARCH, "v1", filepath.Join(dir, "out"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "undefinedThing")
}
