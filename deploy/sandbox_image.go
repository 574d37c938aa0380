package deploy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kirikae/kirikae/build"
	"github.com/kirikae/kirikae/sandbox"
	"github.com/kirikae/kirikae/stacks"
)

// SandboxImageSource is the Go main package a sandbox image is built from
// unless told otherwise: the example service in app/.
var SandboxImageSource = filepath.Join("app", "cmd", "server")

// ErrNoSandboxRepository: the stack's sandbox account has no such ECR
// repository yet (the stack was never deployed).
var ErrNoSandboxRepository = errors.New("no ECR repository in the sandbox account")

// ErrInvalidPlatform: not a platform the sandbox builds images for.
var ErrInvalidPlatform = errors.New("invalid image platform")

// PushSandboxImage builds the main package srcDir (relative to projectDir
// unless absolute) for platform (linux/arm64 or linux/amd64) with tag baked
// in, and pushes it to repository in the sandbox account kept in
// accountDir as an image for that platform, as `docker buildx build
// --platform … --push` would to ECR. It is what `kirikae sandbox
// push-image` runs, and what a first sandbox deploy runs for the stack's
// initial image. The sandbox's registry enforces ECR's rules (immutable
// tags) and its tasks run the image only on a matching runtimePlatform.
func PushSandboxImage(ctx context.Context, projectDir, accountDir, repository, tag, srcDir, platform string) (sandbox.PushedImage, error) {
	p, ok := stacks.PlatformOfOCI(platform)
	if !ok {
		return sandbox.PushedImage{}, fmt.Errorf("push image %s:%s: platform %q (want linux/arm64 or linux/amd64): %w", repository, tag, platform, ErrInvalidPlatform)
	}
	if _, err := os.Stat(accountDir); errors.Is(err, os.ErrNotExist) || repository == "" {
		return sandbox.PushedImage{}, fmt.Errorf("push image %s:%s: %w", repository, tag, ErrNoSandboxRepository)
	}
	acct, err := sandbox.OpenAccount(accountDir)
	if err != nil {
		return sandbox.PushedImage{}, err
	}
	if ok, err := acct.HasRepository(repository); err != nil {
		return sandbox.PushedImage{}, err
	} else if !ok {
		return sandbox.PushedImage{}, fmt.Errorf("push image %s:%s: %w", repository, tag, ErrNoSandboxRepository)
	}
	if !filepath.IsAbs(srcDir) {
		srcDir = filepath.Join(projectDir, srcDir)
	}
	tmp, err := os.MkdirTemp("", "kirikae-push-*")
	if err != nil {
		return sandbox.PushedImage{}, fmt.Errorf("push image: %w", err)
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "program")
	// The sandbox runs images as local processes, for another
	// architecture than this machine's under qemu user-mode emulation.
	if err := build.Binary(ctx, srcDir, "linux", p.GOARCH, tag, out); err != nil {
		return sandbox.PushedImage{}, err
	}
	program, err := os.ReadFile(out)
	if err != nil {
		return sandbox.PushedImage{}, fmt.Errorf("push image: read build: %w", err)
	}
	return acct.PushImage(repository, tag, p.OCI, program)
}
