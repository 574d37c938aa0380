package workload

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/kirikae/kirikae/internal/lambdart"

	"github.com/kirikae/kirikae/sandbox/core"
	lambdasvc "github.com/kirikae/kirikae/sandbox/lambda"
	logssvc "github.com/kirikae/kirikae/sandbox/logs"
)

// packagesDir holds Lambda deployment packages by sha256: a published
// version is an immutable snapshot of the function's code, so the package
// is copied when the version is published, not read from where the
// program built it (the next build overwrites that file).
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html
const packagesDir = "lambda"

// lambdaRun is one warm execution environment of a function version.
type lambdaRun struct {
	fn   *lambdart.Function
	logs io.WriteCloser // the environment's log stream
}

// storeFunctionCode copies the deployment package of the version the
// provider just published into the account.
func storeFunctionCode(a *core.Account, out resource.PropertyMap) error {
	name, version := core.Str(out, "name"), core.Str(out, "version")
	code, ok := out["code"]
	if !ok || !code.IsArchive() || version == "" || version == "$LATEST" {
		return nil // S3 code or nothing published: no package to keep
	}
	// A package without a runnable bootstrap is kept too: invoking it
	// fails as it does in Lambda (Runtime.InvalidEntrypoint).
	data, err := lambdasvc.PackageBytes(code.ArchiveValue())
	if err != nil {
		return fmt.Errorf("store function code: %w", err)
	}
	sum := sha256.Sum256(data)
	hexSum := hex.EncodeToString(sum[:])
	path := filepath.Join(a.Dir(), packagesDir, hexSum+".zip")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("store function code: %w", err)
	}
	if _, err := os.Stat(path); err != nil {
		if err := core.WriteFileAtomic(path, data); err != nil {
			return fmt.Errorf("store function code: %w", err)
		}
	}
	return a.Update(func(st *core.State) error {
		ls := st.Lambda[name]
		if ls == nil {
			return nil
		}
		if ls.Package == nil {
			ls.Package = map[string]string{}
		}
		if _, set := ls.Package[version]; !set { // a version never changes
			ls.Package[version] = hexSum
		}
		return nil
	})
}

// LambdaTarget fills in what invoking rt's version needs, or why it cannot
// run here (rt.cannotRun): then an invocation fails, as in Lambda, and
// nothing answers in the function's place.
func LambdaTarget(st *core.State, ix core.Index, rt *Routed) {
	ls := st.Lambda[rt.Function]
	if ls == nil || ls.Package[rt.Version] == "" {
		// Code from S3, or published before the sandbox kept packages.
		rt.cannotRun = fmt.Sprintf("Runtime.InvalidEntrypoint: the sandbox holds no deployment package for version %s of %s", rt.Version, rt.Function)
		return
	}
	rt.cannotRun = fmt.Sprintf("ResourceNotFoundException: function not found: %s", rt.Function)
	for _, fn := range ix[core.FunctionType] {
		if core.StrOf(fn, "name") != rt.Function {
			continue
		}
		// Only OS-only runtimes run here: their package's bootstrap is the
		// runtime. A managed runtime (nodejs, python) would need its
		// language runtime, which the sandbox does not have: its
		// invocations fail rather than answer for it.
		// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-provided.html
		if r := core.StrOf(fn, "runtime"); !strings.HasPrefix(r, "provided") {
			rt.cannotRun = fmt.Sprintf("Runtime.Unknown: the sandbox runs only OS-only runtimes (provided.*), not %s", r)
			return
		}
		rt.codeLayer, rt.cannotRun = ls.Package[rt.Version], ""
		rt.functionArn = core.StrOf(fn, "arn") + ":" + rt.Version
		if archs, _ := fn["architectures"].([]any); len(archs) > 0 {
			rt.arch, _ = archs[0].(string)
		}
		rt.timeout, _ = fn["timeout"].(float64)
		envs, _ := fn["environment"].(map[string]any)
		vars, _ := envs["variables"].(map[string]any)
		for k, v := range vars {
			rt.env = append(rt.env, fmt.Sprintf("%s=%v", k, v))
		}
	}
}

// Function returns the warm environment of rt's version, creating it (the
// cold start happens on its first Invoke).
func (w *workloads) Function(rt Routed) (*lambdaRun, error) {
	key := rt.Function + ":" + rt.Version
	w.mu.Lock()
	defer w.mu.Unlock()
	select {
	case <-w.stop:
		return nil, fmt.Errorf("invoke %s: the sandbox is stopping", key)
	default:
	}
	if r := w.fns[key]; r != nil {
		return r, nil
	}
	if rt.cannotRun != "" {
		return nil, fmt.Errorf("invoke %s: %s", key, rt.cannotRun)
	}
	root, err := runDir(w.acct, "lambda", rt.codeLayer)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(root, ".extracted")); err != nil {
		if err := lambdart.Extract(filepath.Join(w.acct.Root, packagesDir, rt.codeLayer+".zip"), root); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(root, ".extracted"), nil, 0o600); err != nil {
			return nil, fmt.Errorf("prepare function: %w", err)
		}
	}
	timeout := time.Duration(rt.timeout) * time.Second
	// Log streams are per execution environment:
	// YYYY/MM/DD/[version]id (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html).
	stream := time.Now().UTC().Format("2006/01/02") + "/[" + rt.Version + "]" + core.StableDigits(key+time.Now().String(), 32)
	logs := logssvc.LogWriter(w.acct, "/aws/lambda/"+rt.Function, stream)
	fn := lambdart.NewFunction(lambdart.FunctionOptions{
		Options:  lambdart.Options{Timeout: timeout, FunctionARN: rt.functionArn, Listen: core.ListenOwner},
		TaskRoot: root,
		// Lambda sets the reserved variables of the version it runs, which
		// lets a function report what it is (the example app does):
		// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
		Env: append(append([]string{}, rt.env...),
			"AWS_LAMBDA_FUNCTION_NAME="+rt.Function, "AWS_LAMBDA_FUNCTION_VERSION="+rt.Version),
		Architecture: rt.arch,
		Logs:         logs,
		StartProcess: startProcess,
	})
	r := &lambdaRun{fn: fn, logs: logs}
	w.fns[key] = r
	return r, nil
}

// Invoke runs one event, framed in the log stream by the START and END
// lines Lambda writes for every invocation.
// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
func (r *lambdaRun) Invoke(ctx context.Context, version string, event []byte) ([]byte, error) {
	id := core.StableDigits(fmt.Sprint(time.Now().UnixNano()), 32)
	fmt.Fprintf(r.logs, "START RequestId: %s Version: %s\n", id, version)
	start := time.Now()
	out, err := r.fn.Invoke(ctx, event)
	if err != nil {
		// Lambda writes why an invocation failed into the function's log
		// stream, e.g. "RequestId: … Error: Runtime exited with error: …"
		// (https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html),
		// so a runtime that cannot start (no emulator for an arm64
		// bootstrap) is named where the function's logs are read.
		fmt.Fprintf(r.logs, "RequestId: %s Error: %v\n", id, err)
	}
	fmt.Fprintf(r.logs, "END RequestId: %s\n", id)
	fmt.Fprintf(r.logs, "REPORT RequestId: %s\tDuration: %.2f ms\n", id, float64(time.Since(start).Microseconds())/1000)
	return out, err
}

// Invoker runs Lambda's Invoke (lambda.ServeInvoke) on the version's warm
// environment, as API Gateway's integration does.
func Invoker(a *core.Account) func(ctx context.Context, function, version string, event []byte) ([]byte, error) {
	return func(ctx context.Context, function, version string, event []byte) ([]byte, error) {
		rt := Routed{Kind: KindAPI, Function: function, Version: version}
		if err := a.View(func(st *core.State) error {
			LambdaTarget(st, core.NewIndex(st), &rt)
			return nil
		}); err != nil {
			return nil, err
		}
		fn, err := Workloads(a).Function(rt)
		if err != nil {
			return nil, err
		}
		return fn.Invoke(ctx, version, event)
	}
}
