package deploy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/kirikae/kirikae/build"
	"github.com/kirikae/kirikae/sandbox"
)

// SandboxImageSource is the Go main package a sandbox image is built from
// unless told otherwise: the example service in app/.
var SandboxImageSource = filepath.Join("app", "cmd", "server")

// ErrNoSandboxRepository: the stack's sandbox account has no such ECR
// repository yet (the stack was never deployed).
var ErrNoSandboxRepository = errors.New("no ECR repository in the sandbox account")

// PushSandboxImage builds the main package srcDir (relative to projectDir
// unless absolute) for this machine with tag baked in, and pushes it to
// repository in the sandbox account kept in accountDir, as `docker push`
// would to ECR. It is what `kirikae sandbox push-image` runs, and what a
// first sandbox deploy runs for the stack's initial image. The sandbox's
// registry enforces ECR's rules (immutable tags).
func PushSandboxImage(ctx context.Context, projectDir, accountDir, repository, tag, srcDir string) (sandbox.PushedImage, error) {
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
	// The sandbox runs images as local processes: built for this machine.
	if err := build.Binary(ctx, srcDir, runtime.GOOS, runtime.GOARCH, tag, out); err != nil {
		return sandbox.PushedImage{}, err
	}
	program, err := os.ReadFile(out)
	if err != nil {
		return sandbox.PushedImage{}, fmt.Errorf("push image: read build: %w", err)
	}
	return acct.PushImage(repository, tag, program)
}
