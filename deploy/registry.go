package deploy

import (
	"context"
	"errors"
	"fmt"

	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
)

const typeRepository = "aws:ecr/repository:Repository"

// registryFirst makes a stack's first deploy possible: its ECR repository
// is created in the same update as the services that pull from it, so
// nothing can have been pushed yet and every task would fail with
// CannotPullContainerError. The deploy therefore creates the repository
// alone first (an update targeted at it), then, in the sandbox, pushes the
// stack's initial image built from app/ when the repository is empty, and
// then runs the preflight it could not run while planning. On AWS a
// repository still empty stops the deploy there with the push command:
// the repository exists now, so pushing and running `up` again works.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html
func (r *run) registryFirst(ctx context.Context) error {
	s, p := r.s, r.p
	targets, creates := []string{s.stackURN()}, false
	for _, rc := range p.Preview.Resources {
		switch rc.Type {
		case typeRepository:
			creates = true
			targets = append(targets, rc.URN)
		case infra.TypeECSService: // the repository's parent
			targets = append(targets, rc.URN)
		}
	}
	if creates {
		s.Phase("registry: create ECR repository %s before anything pulls from it", p.cfg.ImageRepository)
		res, err := s.Session.Up(ctx, p.Current.Config(), UpOptions{Message: "kirikae registry: create the image repository", Targets: targets})
		if err != nil {
			return err
		}
		r.res.Updates++
		r.res.Touched += len(res.Resources)
		for _, rc := range res.Resources {
			r.res.Changes[rc.Op]++
		}
	}
	img := p.Target.Image
	if s.Sandbox() {
		if err := r.sandboxInitialImage(ctx, img.Tag); err != nil {
			return err
		}
	}
	want, err := s.resolveImage(ctx, p.cfg, p.Current, p.Target, true)
	if err != nil {
		return err
	}
	r.pinImage(want.Image)
	return nil
}

// sandboxInitialImage builds and pushes the stack's initial image from
// app/ when the sandbox repository holds none, so the README's first
// command deploys on a fresh machine; a repository with images is left
// alone (a missing tag is then the preflight's to report).
func (r *run) sandboxInitialImage(ctx context.Context, tag string) error {
	s, cfg := r.s, r.p.cfg
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return err
	}
	has, err := c.HasImages(ctx, cfg.ImageRegistryID, cfg.ImageRepository)
	if err != nil || has {
		return err
	}
	s.Phase("registry: %s is empty: building image %s for %s from %s and pushing it (sandbox)", cfg.ImageRepository, tag, cfg.Platform().OCI, SandboxImageSource)
	pushed, err := PushSandboxImage(ctx, s.ProjectDir(), s.Paths.AccountDir(s.Config), cfg.ImageRepository, tag, SandboxImageSource, cfg.Platform().OCI)
	if errors.Is(err, ErrNoSandboxRepository) && !cfg.ImageRepositoryOwner {
		return fmt.Errorf("push initial image: %w: %s pulls from the repository another stack creates; deploy that stack first", err, s.Stack())
	}
	if err != nil {
		return fmt.Errorf("push initial image: %w", err)
	}
	s.Phase("registry: pushed %s:%s (%s)", pushed.Repository, pushed.Tag, pushed.Digest)
	return nil
}

// pinImage puts the digest the registry step resolved into every step of
// the plan that runs img.
func (r *run) pinImage(img Image) {
	pin := func(v *Values) {
		if v.Image.Tag == img.Tag {
			v.Image = img
		}
		if v.IdleImage.Tag == img.Tag {
			v.IdleImage = img
		}
	}
	for i := range r.p.steps {
		pin(&r.p.steps[i].values)
	}
	pin(&r.p.Target)
}

// needsRegistry reports whether a first ECS deploy must create its
// repository before its preflight can run.
func needsRegistry(cfg stacks.Config, err error) bool {
	return cfg.Backend == stacks.BackendECS && errors.Is(err, errNoRepositoryYet)
}
