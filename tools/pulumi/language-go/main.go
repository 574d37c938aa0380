// Command pulumi-language-go is kirikae's own minimal Go language host: the
// plugin a plain `pulumi preview` or `pulumi up` starts for a project whose
// Pulumi.yaml says `runtime: go`. kirikae builds the pinned CLI from source
// (the Go module proxy it can reach serves no prebuilt binary), and Pulumi's
// own Go host (module github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3)
// is not served by that proxy, so kirikae builds this host beside the CLI
// it caches (engine.EnsureCLI), where the CLI looks for bundled language
// plugins: next to its own executable, after $PATH.
//
// kirikae itself never needs it: its commands run the infrastructure as an
// inline Automation API program, served in-process. And a user with a real
// Pulumi install runs that install's own pulumi-language-go, bundled next to
// their pulumi; this one is found only beside kirikae's cached CLI (or on a
// PATH that `kirikae sandbox env` put that CLI first on).
//
// It implements only what preview and up call: Handshake, GetPluginInfo,
// GetRequiredPlugins/GetRequiredPackages (none: the sandbox attaches the aws
// provider with PULUMI_DEBUG_PROVIDERS, and against AWS the engine acquires
// the provider version a registration names when it is first loaded,
// unless PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION is set) and Run, which builds the program's Go
// main package (Pulumi.yaml's main:) and runs it with the environment the
// Go SDK's pulumi.Run reads.
//
// The plugin contract (sdk/go/common/resource/plugin): the engine starts the
// host with its own gRPC address as the last argument, in the program
// directory, and reads the port the host serves on from its first line of
// stdout.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is the host's own version, reported by GetPluginInfo.
const version = "0.1.0"

func main() {
	if err := serve(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-go: %v\n", err)
		os.Exit(1)
	}
}

func serve(args []string) error {
	// Flags the engine may pass before the address (tracing, logging) are
	// not used here; the address comes last.
	var engineAddr string
	if len(args) > 0 && !strings.HasPrefix(args[len(args)-1], "-") {
		engineAddr = args[len(args)-1]
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if engineAddr != "" {
		// Exit with the engine: a host left behind would hold its port.
		go func() { _ = rpcutil.Healthcheck(ctx, engineAddr, 5*time.Minute, cancel) }()
	}
	stop := make(chan bool)
	go func() { <-ctx.Done(); close(stop) }()
	h := &host{engineAddr: engineAddr}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(s, h)
			return nil
		},
	})
	if err != nil {
		return fmt.Errorf("serve language host: %w", err)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil && !rpcutil.IsBenignCloseErr(err) {
		return fmt.Errorf("serve language host: %w", err)
	}
	return nil
}

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddr string
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.engineAddr = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *host) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

// Run builds the program's main package and runs it. A program that exits
// non-zero is reported by its last line of stderr, which is what it said;
// one that already logged its error through the engine (the SDK's exit
// status 32) bails, so the engine does not repeat it.
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetPwd()
	}
	bin, err := build(ctx, dir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	env, err := programEnv(req, h.engineAddr)
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	run := exec.CommandContext(ctx, bin, req.GetArgs()...)
	run.Dir = dir
	run.Env = append(os.Environ(), env...)
	run.Stdout = os.Stdout
	run.Stderr = &stderr
	err = run.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		_, _ = os.Stderr.Write(stderr.Bytes())
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exit) && exit.ExitCode() == 32:
		_, _ = os.Stderr.Write(stderr.Bytes())
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exit):
		// The last line is the error, reported once as the run's error.
		before, last := splitLastLine(stderr.String())
		_, _ = io.WriteString(os.Stderr, before)
		if last == "" {
			last = fmt.Sprintf("program exited with status %d", exit.ExitCode())
		}
		return &pulumirpc.RunResponse{Error: last}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("run Go program: %v", err)}, nil
	}
}

// build builds the Go main package in dir to a path kept per program
// directory in the user's cache: go build leaves an up-to-date binary as it
// is, so `pulumi up` (a preview, then the update) and every later run link
// the program once per change instead of every time. A lock keeps two
// runs of the same program from building over each other.
func build(ctx context.Context, dir string) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("build Go program: %w", err)
	}
	sum := sha256.Sum256([]byte(dir))
	programs := filepath.Join(cache, "kirikae", "pulumi-programs")
	prune(programs)
	out := filepath.Join(programs, hex.EncodeToString(sum[:8]))
	if err := os.MkdirAll(out, 0o700); err != nil {
		return "", fmt.Errorf("build Go program: %w", err)
	}
	if err := os.WriteFile(filepath.Join(out, "dir"), []byte(dir), 0o600); err != nil {
		return "", fmt.Errorf("build Go program: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(out, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return "", fmt.Errorf("build Go program: %w", err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", fmt.Errorf("build Go program: %w", err)
	}
	defer func() { _ = syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) }()
	bin := filepath.Join(out, "program")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = dir
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build Go program in %s: %v: %s", dir, err, strings.TrimSpace(string(msg)))
	}
	return bin, nil
}

// prune removes the binaries of programs whose directory is gone (a
// deleted clone, a test's temporary copy): each is as large as the program.
func prune(programs string) {
	entries, _ := os.ReadDir(programs)
	for _, e := range entries {
		dir, err := os.ReadFile(filepath.Join(programs, e.Name(), "dir"))
		if err != nil {
			continue // being created, or not ours
		}
		if _, err := os.Stat(string(dir)); os.IsNotExist(err) {
			_ = os.RemoveAll(filepath.Join(programs, e.Name()))
		}
	}
}

// programEnv is the environment pulumi.Run reads (sdk/go/pulumi/run.go,
// getEnvInfo): the engine's run request as PULUMI_* variables.
func programEnv(req *pulumirpc.RunRequest, engineAddr string) ([]string, error) {
	cfg, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	keys := req.GetConfigSecretKeys()
	if keys == nil {
		keys = []string{}
	}
	secretKeys, err := json.Marshal(keys)
	if err != nil {
		return nil, fmt.Errorf("encode secret keys: %w", err)
	}
	return []string{
		pulumi.EnvOrganization + "=" + req.GetOrganization(),
		pulumi.EnvProject + "=" + req.GetProject(),
		pulumi.EnvStack + "=" + req.GetStack(),
		pulumi.EnvPulumiRootDirectory + "=" + req.GetInfo().GetRootDirectory(),
		pulumi.EnvConfig + "=" + string(cfg),
		pulumi.EnvConfigSecretKeys + "=" + string(secretKeys),
		pulumi.EnvDryRun + "=" + strconv.FormatBool(req.GetDryRun()),
		pulumi.EnvParallel + "=" + strconv.Itoa(int(req.GetParallel())),
		pulumi.EnvMonitor + "=" + req.GetMonitorAddress(),
		pulumi.EnvEngine + "=" + engineAddr,
	}, nil
}

// splitLastLine splits s before its last non-empty line.
func splitLastLine(s string) (before, last string) {
	s = strings.TrimRight(s, "\n")
	i := strings.LastIndex(s, "\n")
	return s[:i+1], strings.TrimSpace(s[i+1:])
}
