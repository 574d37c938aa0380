package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/kirikae/kirikae/build"
	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/sandbox"
	"github.com/kirikae/kirikae/stacks"
)

func newSandboxCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Work with the simulated AWS account of the sandbox",
		Args:  cobra.NoArgs,
	}
	var basePort int
	serve := &cobra.Command{
		Use:   "serve --stack STACK [--port N] [--json]",
		Short: "Serve the sandbox's AWS endpoint and front door until interrupted",
		Long: `serve runs, in the foreground, a local AWS endpoint over the stack's simulated
account (S3, CloudFront, ECS, ECR, CloudWatch, Lambda, STS over their real wire
protocols) and the front door that answers for the stack's load balancer, API
Gateway and CloudFront host names. It prints the endpoint, the front door,
the region and the static credentials. Each public endpoint of the stack
(its url, testUrl and frontendUrl outputs) also gets a local address a
browser opens as it is, http://127.0.0.1:PORT/, which sends its requests to
the front door with the endpoint's host name: --port N puts them at N, N+1
and N+2 (default: free ports). With --json the first line is one JSON
object with the keys awsEndpoint, frontDoor, region, accessKeyId,
secretAccessKey and urls ({"url", "frontendUrl", "testUrl"}: the local
addresses). Other kirikae commands keep working while it runs: the account
is on disk. Ctrl-C (SIGINT) or SIGTERM stops it.`,
		Example: `  kirikae sandbox serve --stack staging --port 8400
  curl http://127.0.0.1:8400/version          # the stack's url
  open http://127.0.0.1:8401/                 # its frontend, in a browser`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.runSandboxServe(cmd.Context(), basePort)
		},
	}
	serve.Flags().IntVar(&basePort, "port", 0, "first local port of the stack's endpoints (url, frontendUrl, testUrl at N, N+1, N+2); 0: free ports")
	cmd.AddCommand(serve, newSandboxEnvCmd(f))
	var srcDir, platform string
	push := &cobra.Command{
		Use:   "push-image TAG --stack STACK [--platform linux/arm64|linux/amd64] [--dir DIR] [--json]",
		Short: "Build a Go program and push it as an image to the stack's sandbox ECR repository",
		Long: `push-image builds the Go main package in DIR (default app/cmd/server) for
PLATFORM (default: the stack's kirikae:cpuArchitecture), with TAG baked in as
its version, and stores it as image TAG for that platform in the ECR
repository of the stack's simulated account (kirikae:imageRepository), as
docker buildx build --platform … --push would. Tasks run it only when their
runtimePlatform matches (arm64 through qemu-user on an x86 machine). It prints the image digest; with --json one object
with the keys repository, tag and digest. The repository must exist first:
` + "`kirikae bootstrap --stack STACK --sandbox`" + ` creates it. When the repository's tags are immutable (kirikae's infra
makes them so), pushing a tag it already holds fails with
ImageTagAlreadyExistsException, as in ECR.`,
		Example: `  kirikae sandbox push-image v2 --stack staging`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.runPushImage(cmd.Context(), args[0], srcDir, platform)
		},
	}
	push.Flags().StringVar(&srcDir, "dir", filepath.Join("app", "cmd", "server"), "Go main package to build (relative to the project)")
	push.Flags().StringVar(&platform, "platform", "", "linux/arm64 or linux/amd64 (default: the stack's kirikae:cpuArchitecture)")
	cmd.AddCommand(push)
	return cmd
}

// runPushImage checks the repository first so an undeployed stack fails
// before a build; the push itself is the sandbox's, which enforces ECR's rules.
func (f *factory) runPushImage(ctx context.Context, tag, srcDir, platform string) error {
	if err := f.requireStack(); err != nil {
		return err
	}
	dir, err := filepath.Abs(f.globals.Cwd)
	if err != nil {
		return fmt.Errorf("resolve project dir: %w", err)
	}
	cfg, err := stacks.Load(dir, f.globals.Stack)
	if err != nil {
		return err
	}
	inv := f.invocation()
	inv.Sandbox = true
	notDeployed := &exitError{code: ExitFailed,
		msg:  fmt.Sprintf("push image: stack %s has no ECR repository %q in the sandbox yet", f.globals.Stack, cfg.ImageRepository),
		hint: fmt.Sprintf("create it with `%s` first", inv.Command("bootstrap"))}
	accountDir := deploy.PathsFor(dir, true).AccountDir(cfg)
	if platform == "" {
		platform = cfg.Platform().OCI
	}
	pushed, err := deploy.PushSandboxImage(ctx, dir, accountDir, cfg.ImageRepository, tag, srcDir, platform)
	switch {
	case errors.Is(err, deploy.ErrInvalidPlatform):
		return usageError(fmt.Sprintf("push image: invalid --platform %q: want linux/arm64 or linux/amd64", platform))
	case errors.Is(err, deploy.ErrNoSandboxRepository):
		return notDeployed
	case errors.Is(err, build.ErrInvalidVersion):
		return usageError(fmt.Sprintf("push image: invalid tag %q: want a Docker tag (letters, digits, _ . -; at most 128; not starting with . or -)", tag))
	case err != nil:
		return err
	}
	if f.globals.JSON {
		return json.NewEncoder(f.io.Out).Encode(pushed)
	}
	_, err = fmt.Fprintln(f.io.Out, pushed.Digest)
	return err
}

// serveBanner is the first thing serve prints; its JSON form is the
// contract scripts read.
type serveBanner struct {
	AWSEndpoint     string    `json:"awsEndpoint"`
	FrontDoor       string    `json:"frontDoor"`
	Region          string    `json:"region"`
	AccessKeyID     string    `json:"accessKeyId"`
	SecretAccessKey string    `json:"secretAccessKey"`
	URLs            serveURLs `json:"urls"`
}

func (f *factory) runSandboxServe(ctx context.Context, basePort int) error {
	if err := f.requireStack(); err != nil {
		return err
	}
	dir, err := filepath.Abs(f.globals.Cwd)
	if err != nil {
		return fmt.Errorf("resolve project dir: %w", err)
	}
	cfg, err := stacks.Load(dir, f.globals.Stack)
	if err != nil {
		return err
	}
	paths := deploy.PathsFor(dir, true)
	lock, err := sandbox.LockServe(filepath.Dir(paths.Account))
	if err != nil {
		var running *sandbox.ServeRunningError
		if errors.As(err, &running) {
			return usageError(err.Error())
		}
		return err
	}
	defer lock.Release()
	acct, err := sandbox.OpenAccount(paths.AccountDir(cfg))
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The state bucket too, for a plain pulumi command (`sandbox env`).
	ep, err := sandbox.ServeWith(ctx, acct, deploy.SandboxServeOptions(dir))
	if err != nil {
		return err
	}
	defer ep.Close()
	if err := lock.Announce(sandbox.ServeInfo{PID: os.Getpid(), Stack: f.globals.Stack,
		AWSEndpoint: ep.URL, FrontDoor: ep.FrontDoor}); err != nil {
		return err
	}
	local, err := openLocalURLs(dir, f.globals.Stack, ep.FrontDoor, basePort)
	if err != nil {
		return usageError(fmt.Sprintf("sandbox serve: %s; pick another --port", err))
	}
	defer local.Close()
	b := serveBanner{AWSEndpoint: ep.URL, FrontDoor: ep.FrontDoor, Region: cfg.Region,
		AccessKeyID: sandbox.AccessKeyID, SecretAccessKey: sandbox.SecretAccessKey, URLs: urlsOf(local)}
	// A resource provider over the same account, for a plain pulumi
	// command run with `sandbox env`'s exports.
	provider, stopProvider, err := deploy.StartSandboxProvider(ctx, dir, cfg)
	if err != nil {
		return err
	}
	defer func() { _ = stopProvider() }()
	if err := announceURLs(dir, servedURLs{Stack: f.globals.Stack, URLs: b.URLs, AWSEndpoint: ep.URL, Region: cfg.Region, Provider: provider}); err != nil {
		return err
	}
	defer removeURLs(dir, f.globals.Stack)
	local.Serve() // after the announcement: `kirikae open` finds what answers
	if err := writeBanner(f.io.Out, b, f.globals.Stack, f.globals.JSON); err != nil {
		return err
	}
	<-ctx.Done()
	return nil // interrupted: a clean stop
}

func writeBanner(w io.Writer, b serveBanner, stack string, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(b)
	}
	_, err := fmt.Fprintf(w, `sandbox: simulated AWS of stack %s; Ctrl-C stops it
  url           %s
  frontendUrl   %s
  testUrl       %s
  AWS endpoint  %s
  front door    %s
  region        %s
  credentials   AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s
  try           curl %s/version
                AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s aws --endpoint-url %s --region %s s3 ls
`, stack, b.URLs.URL+"/", b.URLs.FrontendURL+"/", b.URLs.TestURL+"/", b.AWSEndpoint, b.FrontDoor, b.Region,
		b.AccessKeyID, b.SecretAccessKey, b.URLs.URL, b.AccessKeyID, b.SecretAccessKey, b.AWSEndpoint, b.Region)
	return err
}
