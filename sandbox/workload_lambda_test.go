package sandbox

import (
	"archive/zip"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/build"
	"github.com/kirikae/kirikae/internal/lambdart"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/frontdoor"
	"github.com/kirikae/kirikae/sandbox/logs"
)

// appFunction is the inputs of the example app's function with the
// package at zip, built natively so no emulator is needed.
func appFunction(t *testing.T, zip string) resource.PropertyMap {
	t.Helper()
	ar, err := archive.FromPath(zip)
	require.NoError(t, err)
	arch := lambdart.ArchX86_64
	if runtime.GOARCH == "arm64" {
		arch = lambdart.ArchARM64
	}
	pm := pmap(map[string]any{"name": "api", "role": roleArnInput, "publish": true, "runtime": "provided.al2023",
		"handler": "bootstrap", "architectures": []any{arch}, "timeout": 10})
	pm["code"] = resource.NewArchiveProperty(ar)
	return pm
}

func buildLambda(t *testing.T, version, zip string) {
	t.Helper()
	require.NoError(t, build.LambdaZip(t.Context(), filepath.Join("..", "app", "cmd", "lambda"), runtime.GOARCH, version, zip))
}

func TestLambdaCodeDeploysAreServedByTheNewCode(t *testing.T) {
	h := newHarness(t)
	// One path rebuilt for every release, as a project builds it: each
	// published version must keep its own code.
	zip := filepath.Join(t.TempDir(), "function.zip")
	buildLambda(t, "r1", zip)
	fn := h.create(core.FunctionType, "fn", appFunction(t, zip))
	alias := h.create(aliasType, "live", pmap(map[string]any{"name": "live", "functionName": "api", "functionVersion": "1"}))
	api := h.create("aws:apigatewayv2/api:Api", "http", pmap(map[string]any{"protocolType": "HTTP"}))
	h.create("aws:apigatewayv2/integration:Integration", "int", pmap(map[string]any{"apiId": api.id,
		"integrationType": "AWS_PROXY", "integrationUri": core.Str(alias.outs, "invokeArn"), "payloadFormatVersion": "2.0"}))
	host := api.id + ".execute-api.us-east-1.amazonaws.com"
	front := frontdoor.Handler(h.acct)

	code, body := served(t, front, host, "/version")
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, "r1", versionOf(t, body))

	for _, release := range []string{"r2", "r3", "r4", "r5"} {
		buildLambda(t, release, zip)
		fn = h.update(fn, appFunction(t, zip), false)
		v := core.Str(fn.outs, "version")
		alias = h.update(alias, pmap(map[string]any{"name": "live", "functionName": "api", "functionVersion": v}), false)
		code, body = served(t, front, host, "/version")
		require.Equal(t, http.StatusOK, code, body)
		assert.Equal(t, release, versionOf(t, body), "version %s runs the code published with it", v)
	}
	code, body = served(t, front, host, "/api/hello?name=kirikae")
	require.Equal(t, http.StatusOK, code, body)
	assert.JSONEq(t, `{"message":"hello, kirikae"}`, body, "the HTTP API event carries path and query")

	// A canary: the alias sends half of the invocations to version 4 (r4),
	// the rest stay on 5 (r5).
	h.update(alias, pmap(map[string]any{"name": "live", "functionName": "api", "functionVersion": "5",
		"routingConfig": map[string]any{"additionalVersionWeights": map[string]any{"4": 0.5}}}), false)
	seen := map[string]int{}
	for range 10 {
		code, body = served(t, front, host, "/version")
		require.Equal(t, http.StatusOK, code, body)
		seen[versionOf(t, body)]++
	}
	assert.Equal(t, map[string]int{"r4": 5, "r5": 5}, seen)

	streams, err := logs.LogStreams(h.acct, "/aws/lambda/api", "")
	require.NoError(t, err)
	require.NotEmpty(t, streams, "each execution environment has a log stream")
	evs, err := logs.FilterLogEvents(h.acct, logs.LogQuery{Group: "/aws/lambda/api", Streams: []string{streams[0].Name}})
	require.NoError(t, err)
	require.NotEmpty(t, evs)
	assert.Contains(t, evs[0].Message, "START RequestId: ")
}

// A function that fails is API Gateway's 500 and Lambda's Errors metric,
// per alias: the alarm kirikae creates on alias live goes to ALARM.
func TestLambdaErrorsTripTheAliasAlarm(t *testing.T) {
	h := newHarness(t)
	zipPath := shellBootstrap(t, "#!/bin/sh\necho crashing\nexit 3\n")

	h.create(core.FunctionType, "fn", appFunction(t, zipPath))
	alias := h.create(aliasType, "live", pmap(map[string]any{"name": "live", "functionName": "api", "functionVersion": "1"}))
	api := h.create("aws:apigatewayv2/api:Api", "http", pmap(map[string]any{"protocolType": "HTTP"}))
	h.create("aws:apigatewayv2/integration:Integration", "int", pmap(map[string]any{"apiId": api.id,
		"integrationType": "AWS_PROXY", "integrationUri": core.Str(alias.outs, "invokeArn"), "payloadFormatVersion": "2.0"}))
	h.create(core.TokAlarm, "errors", pmap(map[string]any{"name": "api-lambda-errors", "namespace": "AWS/Lambda",
		"metricName": "Errors", "statistic": "Sum", "period": 60, "evaluationPeriods": 1, "threshold": 1,
		"comparisonOperator": "GreaterThanOrEqualToThreshold",
		"dimensions":         map[string]any{"FunctionName": "api", "Resource": "api:live"}}))

	code, body := served(t, frontdoor.Handler(h.acct), api.id+".execute-api.us-east-1.amazonaws.com", "/api/hello")
	assert.Equal(t, http.StatusInternalServerError, code, body)
	alarms, err := h.cloud().Alarms(t.Context(), "api-")
	require.NoError(t, err)
	require.Len(t, alarms, 1)
	assert.Equal(t, "ALARM", alarms[0].State, alarms[0].Reason)
}

// A function for the other architecture on a machine without qemu-user:
// the invocation fails as API Gateway's 500, and the function's log says
// what is missing and how to install it.
func TestLambdaWithoutEmulatorSaysWhatIsMissing(t *testing.T) {
	other := map[string]string{"amd64": "arm64", "arm64": "amd64"}[runtime.GOARCH]
	if other == "" {
		t.Skipf("no other architecture for %s", runtime.GOARCH)
	}
	h := newHarness(t)
	zip := filepath.Join(t.TempDir(), "function.zip")
	require.NoError(t, build.LambdaZip(t.Context(), filepath.Join("..", "app", "cmd", "lambda"), other, "r1", zip))
	pm := appFunction(t, zip)
	pm["architectures"] = resource.NewArrayProperty([]resource.PropertyValue{resource.NewStringProperty(map[string]string{"arm64": lambdart.ArchARM64, "amd64": lambdart.ArchX86_64}[other])})
	h.create(core.FunctionType, "fn", pm)
	alias := h.create(aliasType, "live", pmap(map[string]any{"name": "live", "functionName": "api", "functionVersion": "1"}))
	api := h.create("aws:apigatewayv2/api:Api", "http", pmap(map[string]any{"protocolType": "HTTP"}))
	h.create("aws:apigatewayv2/integration:Integration", "int", pmap(map[string]any{"apiId": api.id,
		"integrationType": "AWS_PROXY", "integrationUri": core.Str(alias.outs, "invokeArn"), "payloadFormatVersion": "2.0"}))
	t.Setenv("PATH", t.TempDir()) // no qemu-aarch64 / qemu-x86_64 to find

	code, _ := served(t, frontdoor.Handler(h.acct), api.id+".execute-api.us-east-1.amazonaws.com", "/version")
	assert.Equal(t, http.StatusInternalServerError, code)
	evs, err := logs.FilterLogEvents(h.acct, logs.LogQuery{Group: "/aws/lambda/api"})
	require.NoError(t, err)
	var text string
	for _, ev := range evs {
		text += ev.Message + "\n"
	}
	assert.Contains(t, text, "Error: ")
	assert.Contains(t, text, "apt-get install qemu-user", "the log names what is missing: %s", text)
}

// shellBootstrap writes a function package whose bootstrap is script (an
// executable shell script) and returns its path.
func shellBootstrap(t *testing.T, script string) string {
	t.Helper()
	zipPath := filepath.Join(t.TempDir(), "fn.zip")
	f, err := os.Create(zipPath)
	require.NoError(t, err)
	zw := zip.NewWriter(f)
	hdr := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate}
	hdr.SetMode(0o755)
	w, err := zw.CreateHeader(hdr)
	require.NoError(t, err)
	_, err = w.Write([]byte(script))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	require.NoError(t, f.Close())
	return zipPath
}
