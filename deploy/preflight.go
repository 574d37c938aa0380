package deploy

import (
	"context"
	"errors"
	"fmt"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/engine"
	"github.com/kirikae/kirikae/stacks"
)

// ImageMissingError: the image a deploy or promote would run is not in the
// stack's ECR repository. It is found before anything is staged: nothing
// changed, and the fix is to push the image.
type ImageMissingError struct {
	Stack string
	Ref   cloud.ImageRef
	// NoRepository: the repository itself is missing.
	NoRepository bool
	Sandbox      bool
	Err          error
}

func (e *ImageMissingError) Error() string {
	what := fmt.Sprintf("image %s is not in ECR repository %s", e.Ref, e.Ref.Repository)
	if e.NoRepository {
		what = fmt.Sprintf("ECR repository %s does not exist, so image %s cannot be pulled", e.Ref.Repository, e.Ref)
	}
	return fmt.Sprintf("preflight %s: %s; nothing changed", e.Stack, what)
}

func (e *ImageMissingError) Unwrap() error { return e.Err }

// Hint says how to push the image, in the sandbox or to AWS.
func (e *ImageMissingError) Hint(inv Invocation) string {
	tag := e.Ref.Tag
	if tag == "" {
		tag = e.Ref.Digest
	}
	if e.NoRepository {
		return fmt.Sprintf("deploy the stack that creates it first (kirikae:imageRepositoryOwner: \"true\"; check kirikae:imageRepository and kirikae:imageRegistryId), push %s to it, then run this again", tag)
	}
	if e.Sandbox {
		inv.Sandbox = false // push-image always works on the sandbox
		inv.Stack = ""
		return fmt.Sprintf("push it with `%s --stack %s`, then run this again",
			inv.Command("sandbox push-image", tag), e.Stack)
	}
	return fmt.Sprintf("build and push it: `docker build -t %[1]s:%[2]s app` and `docker push <account>.dkr.ecr.<region>.amazonaws.com/%[1]s:%[2]s` "+
		"(log in first: `aws ecr get-login-password | docker login --username AWS --password-stdin <account>.dkr.ecr.<region>.amazonaws.com`), then run this again",
		e.Ref.Repository, tag)
}

// ImagePullDeniedError: the stack pulls from another account's repository
// whose policy does not list this account; found before anything changed.
type ImagePullDeniedError struct {
	Stack string
	Ref   cloud.ImageRef
	Err   error
}

func (e *ImagePullDeniedError) Error() string {
	return fmt.Sprintf("preflight %s: %s; nothing changed", e.Stack, engine.FirstLine(e.Err.Error()))
}

func (e *ImagePullDeniedError) Unwrap() error { return e.Err }

// Hint names the setting that grants the pull.
func (e *ImagePullDeniedError) Hint(Invocation) string {
	return fmt.Sprintf("add %s's account id to kirikae:imagePullAccounts in the stack that owns repository %s (account %s), deploy that stack, then run this again",
		e.Stack, e.Ref.Repository, e.Ref.RegistryID)
}

// imageRef is where cfg's stack pulls img from.
func imageRef(cfg stacks.Config, img Image) cloud.ImageRef {
	return cloud.ImageRef{RegistryID: cfg.ImageRegistryID, Repository: cfg.ImageRepository, Tag: img.Tag, Digest: img.Digest}
}

// resolveImage is the preflight of a deploy or promote on ECS: before
// anything is staged, the image want runs must exist in ECR, and its
// digest is pinned into the release, so the task definition pulls exactly
// that image and a promote later deploys the same bytes. A missing image
// fails in one API call (*ImageMissingError) instead of a circuit breaker
// minutes later. A stack whose repository does not exist yet (its first
// deploy) is left to the deploy's registry step.
func (s *Session) resolveImage(ctx context.Context, cfg stacks.Config, cur, want Values, deployed bool) (Values, error) {
	if cfg.Backend != stacks.BackendECS || want.Image.Tag == "" {
		return want, nil
	}
	if want.Image == cur.Image && want.Image.Digest != "" {
		return want, nil // nothing new to run
	}
	if want.Image.Tag != cur.Image.Tag && want.Image.Digest == cur.Image.Digest {
		want.Image.Digest = "" // a new tag: the live digest says nothing about it
	}
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return want, err
	}
	ref := imageRef(cfg, want.Image)
	digest, err := c.ImageDigest(ctx, ref)
	var nf *cloud.ImageNotFoundError
	switch {
	case errors.As(err, &nf) && nf.NoRepository && !deployed:
		return want, errNoRepositoryYet
	case errors.As(err, &nf) && s.Sandbox() && !nf.NoRepository && s.emptyRepository(ctx, cfg):
		// A first deploy interrupted after its repository was created:
		// the registry step pushes the initial image now.
		return want, errNoRepositoryYet
	case errors.As(err, &nf):
		return want, &ImageMissingError{Stack: s.Stack(), Ref: ref, NoRepository: nf.NoRepository, Sandbox: s.Sandbox(), Err: err}
	case errors.As(err, new(*cloud.ImageAccessDeniedError)):
		return want, &ImagePullDeniedError{Stack: s.Stack(), Ref: ref, Err: err}
	case err != nil:
		return want, fmt.Errorf("preflight %s: %w", s.Stack(), err)
	}
	want.Image.Digest = digest
	return want, nil
}

// emptyRepository reports whether the stack's repository holds no image.
func (s *Session) emptyRepository(ctx context.Context, cfg stacks.Config) bool {
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return false
	}
	has, err := c.HasImages(ctx, cfg.ImageRegistryID, cfg.ImageRepository)
	return err == nil && !has
}

// errNoRepositoryYet: a first deploy whose repository the deploy creates.
var errNoRepositoryYet = errors.New("the stack's ECR repository does not exist yet")
