package deploy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/engine"
	"github.com/kirikae/kirikae/stacks"
)

// ImageMissingError: the image a deploy or promote would run is not in the
// stack's ECR repository. It is found before anything is staged: nothing
// changed, and the fix is to push the image (or, with no repository yet,
// to bootstrap the stack that owns it).
type ImageMissingError struct {
	Stack string
	Ref   cloud.ImageRef
	// NoRepository: the repository itself is missing.
	NoRepository bool
	// Owner: this stack owns the repository (kirikae:imageRepositoryOwner),
	// so its own bootstrap creates it.
	Owner   bool
	Sandbox bool
	// RepositoryURI is where the image is pushed, as ECR reports it; ""
	// when unknown.
	RepositoryURI string
	// Platform is the OCI platform the stack runs (linux/arm64).
	Platform string
	Err      error
}

func (e *ImageMissingError) Error() string {
	what := fmt.Sprintf("image %s is not in ECR repository %s", e.Ref, e.Ref.Repository)
	if e.NoRepository {
		what = fmt.Sprintf("ECR repository %s does not exist, so image %s cannot be pulled", e.Ref.Repository, e.Ref)
	}
	return fmt.Sprintf("preflight %s: %s; nothing changed", e.Stack, what)
}

func (e *ImageMissingError) Unwrap() error { return e.Err }

// Hint says how to create the repository or push the image, in the
// sandbox or to AWS.
func (e *ImageMissingError) Hint(inv Invocation) string {
	tag := e.Ref.Tag
	if tag == "" {
		tag = e.Ref.Digest
	}
	if e.NoRepository && !e.Owner {
		return fmt.Sprintf("bootstrap the stack that owns repository %s (kirikae:imageRepositoryOwner: \"true\"; check kirikae:imageRepository and kirikae:imageRegistryId) with `kirikae bootstrap --stack <owner>`, push %s to it, then run this again", e.Ref.Repository, tag)
	}
	push := e.pushCommand(inv, tag)
	if e.NoRepository {
		return fmt.Sprintf("create it with `%s`, push the image (%s), then run this again", inv.Command("bootstrap"), push)
	}
	return fmt.Sprintf("push it (%s), then run this again", push)
}

// pushCommand is how the image gets into the repository: sandbox
// push-image, or docker from the repository root (app/Dockerfile copies
// go.mod and app/ from there) tagged with the registry's own name, so the
// push finds the image it built.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-push-ecr-image.html
func (e *ImageMissingError) pushCommand(inv Invocation, tag string) string {
	if e.Sandbox {
		inv.Sandbox = false // push-image always works on the sandbox
		inv.Stack = ""
		return fmt.Sprintf("`%s --stack %s`", inv.Command("sandbox push-image", tag), e.Stack)
	}
	uri := e.RepositoryURI
	if uri == "" {
		uri = "<account>.dkr.ecr.<region>.amazonaws.com/" + e.Ref.Repository
	}
	registry, _, _ := strings.Cut(uri, "/")
	platform := e.Platform
	if platform == "" {
		platform = stacks.PlatformOf(stacks.ArchARM64).OCI
	}
	return fmt.Sprintf("from the repository root: `aws ecr get-login-password | docker login --username AWS --password-stdin %[1]s`, "+
		"`docker build --platform %[2]s -f app/Dockerfile -t %[3]s:%[4]s .` and `docker push %[3]s:%[4]s`",
		registry, platform, uri, tag)
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
		missing := &ImageMissingError{Stack: s.Stack(), Ref: ref, NoRepository: nf.NoRepository,
			Owner: cfg.ImageRepositoryOwner, Sandbox: s.Sandbox(), Platform: cfg.Platform().OCI, Err: err}
		if !nf.NoRepository {
			// Only for the hint: a failure leaves the placeholder.
			missing.RepositoryURI, _ = c.RepositoryURI(ctx, cfg.ImageRegistryID, cfg.ImageRepository)
		}
		return want, missing
	case errors.As(err, new(*cloud.ImageAccessDeniedError)):
		return want, &ImagePullDeniedError{Stack: s.Stack(), Ref: ref, Err: err}
	case err != nil:
		return want, fmt.Errorf("preflight %s: %w", s.Stack(), err)
	}
	want.Image.Digest = digest
	ref.Digest = digest
	if err := s.checkPlatform(ctx, c, cfg, ref); err != nil {
		return want, err
	}
	return want, nil
}

// checkPlatform refuses an image with no manifest for the stack's
// platform: its tasks would never start (CannotPullContainerError: image
// Manifest does not contain descriptor matching platform), and the
// circuit breaker would find out minutes later. An image whose manifest
// names no platform is left to ECS.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html
func (s *Session) checkPlatform(ctx context.Context, c cloud.Cloud, cfg stacks.Config, ref cloud.ImageRef) error {
	have, err := c.ImagePlatforms(ctx, ref)
	if err != nil {
		return fmt.Errorf("preflight %s: %w", s.Stack(), err)
	}
	want := cfg.Platform().OCI
	if len(have) == 0 || slices.Contains(have, want) {
		return nil
	}
	return &ImagePlatformError{Stack: s.Stack(), Ref: ref, Want: want, Have: have, Sandbox: s.Sandbox()}
}

// ImagePlatformError: the image is built for platforms the stack's tasks
// do not run on (kirikae:cpuArchitecture). Found before anything changed.
type ImagePlatformError struct {
	Stack   string
	Ref     cloud.ImageRef
	Want    string   // the stack's platform, linux/arm64
	Have    []string // the image's
	Sandbox bool
}

func (e *ImagePlatformError) Error() string {
	return fmt.Sprintf("preflight %s: image %s is built for %s, but the stack's tasks run on %s (kirikae:cpuArchitecture); nothing changed",
		e.Stack, e.Ref, strings.Join(e.Have, ", "), e.Want)
}

// Hint says how to push an image for the stack's platform. Tags are
// immutable, so it goes under a new tag.
func (e *ImagePlatformError) Hint(inv Invocation) string {
	if e.Sandbox {
		up := inv.Command("up", "--image", "NEWTAG")
		inv.Sandbox = false
		inv.Stack = ""
		return fmt.Sprintf("build it for %s and push it under a new tag: `%s --platform %s --stack %s`, then `%s` (or set kirikae:cpuArchitecture to the image's)",
			e.Want, inv.Command("sandbox push-image", "NEWTAG"), e.Want, e.Stack, up)
	}
	return fmt.Sprintf("build it for %s and push it under a new tag (`docker build --platform %s -f app/Dockerfile -t REGISTRY/%s:NEWTAG .`, `docker push REGISTRY/%s:NEWTAG`), then `%s` (or set kirikae:cpuArchitecture to the image's)",
		e.Want, e.Want, e.Ref.Repository, e.Ref.Repository, inv.Command("up", "--image", "NEWTAG"))
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
