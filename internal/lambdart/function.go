package lambdart

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
)

// FunctionOptions describe one function's code and settings.
type FunctionOptions struct {
	Options
	// TaskRoot is the unpacked deployment package (LAMBDA_TASK_ROOT); the
	// runtime executable is TaskRoot/bootstrap, as for OS-only runtimes.
	TaskRoot string
	// Env is the function's environment. The process gets only this plus
	// the runtime's own variables, never the host's environment, as in
	// Lambda (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html).
	Env []string
	// Architecture is the one the function declares, ArchX86_64 (Lambda's
	// default, also when empty) or ArchARM64. A bootstrap built for another
	// one fails as in Lambda; one for a foreign but declared architecture
	// runs under qemu user-mode emulation.
	Architecture string
	// Logs receives the process's stdout and stderr (CloudWatch Logs in
	// Lambda); nil discards them.
	Logs io.Writer
	// StartProcess starts the bootstrap's command; nil is cmd.Start. A
	// host that must not leave processes behind starts it in its own
	// process group (SysProcAttr.Setpgid), which is then killed as a whole.
	StartProcess func(*exec.Cmd) error
}

// Function runs a function's bootstrap on demand: the first Invoke starts
// an execution environment (cold start), later ones reuse it while it is
// healthy. A timeout, a crash or a failed start discards the environment
// and the next Invoke starts a fresh one, as Lambda does.
type Function struct {
	opts FunctionOptions

	mu  sync.Mutex // one invocation at a time; scale out with more Functions
	env *environment
}

type environment struct {
	srv    *Server
	cmd    *exec.Cmd
	exited chan struct{}
	err    error // process exit status, set before exited closes
}

// NewFunction returns a function whose environment starts on first Invoke.
func NewFunction(opts FunctionOptions) *Function {
	return &Function{opts: opts}
}

// Invoke runs event through the function and returns its response payload,
// or a *FunctionError (function errors, Runtime.ExitError,
// Runtime.InvalidEntrypoint), ErrTimeout, ErrNotReady or ctx's error.
func (f *Function) Invoke(ctx context.Context, event []byte) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.env == nil {
		env, err := f.start()
		if err != nil {
			return nil, err
		}
		f.env = env
	}
	env := f.env
	ictx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		select {
		case <-env.exited:
			cancel(errExited)
		case <-ictx.Done():
		}
	}()
	out, err := env.srv.Invoke(ictx, event)
	switch {
	case err == nil:
		return out, nil
	case errors.Is(context.Cause(ictx), errExited) && ctx.Err() == nil:
		f.discard()
		return nil, &FunctionError{Type: "Runtime.ExitError", Message: fmt.Sprintf("Runtime exited with error: %v", env.err)}
	case errors.Is(err, ErrTimeout), errors.Is(err, ErrNotReady):
		f.discard()
	}
	var fe *FunctionError
	if errors.As(err, &fe) && fe.Type == "Runtime.InitError" {
		f.discard()
	}
	return nil, err
}

var errExited = errors.New("runtime process exited")

// Close stops the environment, if one runs.
func (f *Function) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.discard()
	return nil
}

// start launches TaskRoot/bootstrap against a new Runtime API server. A
// bootstrap that is missing or cannot be executed (no exec bit, wrong
// architecture) is Runtime.InvalidEntrypoint, the error Lambda reports for
// it (https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html).
func (f *Function) start() (*environment, error) {
	bootstrap := filepath.Join(f.opts.TaskRoot, "bootstrap")
	if _, err := os.Stat(bootstrap); err != nil {
		return nil, &FunctionError{Type: "Runtime.InvalidEntrypoint",
			Message: fmt.Sprintf("Couldn't find valid bootstrap(s): [%s]", bootstrap)}
	}
	cmd, err := command(bootstrap, f.opts.Architecture)
	if err != nil {
		return nil, err
	}
	srv, err := Start(f.opts.Options)
	if err != nil {
		return nil, err
	}
	cmd.Dir = f.opts.TaskRoot
	cmd.Env = append(append([]string{}, f.opts.Env...),
		"AWS_LAMBDA_RUNTIME_API="+srv.Addr(),
		"LAMBDA_TASK_ROOT="+f.opts.TaskRoot,
		"_HANDLER=bootstrap",
	)
	logs := f.opts.Logs
	if logs == nil {
		logs = io.Discard
	}
	cmd.Stdout, cmd.Stderr = logs, logs
	start := f.opts.StartProcess
	if start == nil {
		start = (*exec.Cmd).Start
	}
	if err := start(cmd); err != nil {
		_ = srv.Close()
		return nil, &FunctionError{Type: "Runtime.InvalidEntrypoint", Message: err.Error()}
	}
	env := &environment{srv: srv, cmd: cmd, exited: make(chan struct{})}
	go func() {
		env.err = cmd.Wait()
		close(env.exited)
	}()
	return env, nil
}

// discard kills the environment's process and closes its server.
func (f *Function) discard() {
	if f.env == nil {
		return
	}
	if attr := f.env.cmd.SysProcAttr; attr != nil && attr.Setpgid {
		// The whole group: the bootstrap (or qemu running it) and anything it forked.
		_ = syscall.Kill(-f.env.cmd.Process.Pid, syscall.SIGKILL)
	}
	_ = f.env.cmd.Process.Kill()
	<-f.env.exited
	_ = f.env.srv.Close()
	f.env = nil
}
