package deploy

import (
	"context"
	"fmt"

	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
)

// Resource types bootstrap creates: what a first build → push → up needs
// before it starts (the pipeline pushes the image before the first up, to
// a repository that must exist: "repository … does not exist").
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push.html
const (
	typeRepositoryPolicy = "aws:ecr/repositoryPolicy:RepositoryPolicy"
	typeLifecyclePolicy  = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
)

var bootstrapTypes = map[string]bool{typeRepository: true, typeRepositoryPolicy: true, typeLifecyclePolicy: true}

// BootstrapNothingError: the stack owns nothing bootstrap creates (a
// Lambda backend, or a stack pulling from another stack's repository).
// Not a failure: the result says why and what to run instead.
type BootstrapNothingError struct {
	Stack  string
	Reason string
}

func (e *BootstrapNothingError) Error() string {
	return fmt.Sprintf("bootstrap %s: nothing to create: %s", e.Stack, e.Reason)
}

// Bootstrap creates, idempotently, what the stack's first pipeline run
// needs before its first up: the image repository the stack owns, with
// its pull policy for kirikae:imagePullAccounts and its lifecycle policy,
// and nothing else. It is the first step of a first deploy
// (registryFirst), run on its own: an update targeted at those resources,
// with the release values live now (the stack file's for a new stack), so
// no other resource is created or touched. confirm sees the preview of
// those resources first and may refuse; it is not called when there is
// nothing to change, and then no update runs (a second bootstrap changes
// nothing).
func (s *Session) Bootstrap(ctx context.Context, confirm func(pre *Result) error) (*Result, error) {
	unlock, err := s.Lock("bootstrap")
	if err != nil {
		return nil, err
	}
	defer unlock()
	st, err := s.loadState(ctx)
	if err != nil {
		return nil, err
	}
	cfg, err := st.base.With(st.values.Config())
	if err != nil {
		return nil, err
	}
	switch {
	case cfg.Backend != stacks.BackendECS:
		return nil, &BootstrapNothingError{Stack: s.Stack(), Reason: "the Lambda backend reads its code from kirikae:lambdaArtifact; run up"}
	case !cfg.ImageRepositoryOwner:
		return nil, &BootstrapNothingError{Stack: s.Stack(), Reason: fmt.Sprintf(
			"it pulls from repository %s of the stack that owns it (kirikae:imageRepositoryOwner: \"true\"); bootstrap that stack", cfg.ImageRepository)}
	}
	values := st.values.Config()
	pre, err := s.Session.Preview(ctx, values, PreviewOptions{})
	if err != nil {
		return nil, err
	}
	targets, only := bootstrapTargets(s.stackURN(), pre)
	if len(targets) == 1 {
		return &Result{Operation: "bootstrap", Stack: s.Stack(), Sandbox: s.Sandbox(), Changes: map[string]int{}}, nil
	}
	only.Operation = "bootstrap"
	if confirm != nil {
		if err := confirm(only); err != nil {
			return nil, err
		}
	}
	s.Phase("bootstrap: create ECR repository %s and its policies, nothing else", cfg.ImageRepository)
	res, err := s.Session.Up(ctx, values, UpOptions{Message: "kirikae bootstrap: the image repository", Targets: targets})
	if err != nil {
		return nil, err
	}
	res.Operation = "bootstrap"
	return res, nil
}

// bootstrapTargets returns the URNs a bootstrap update is limited to (the
// stack, the repository resources that change, and the ECS component
// parenting them when it is new), and the preview cut down to those.
func bootstrapTargets(stackURN string, pre *Result) ([]string, *Result) {
	targets := []string{stackURN}
	only := &Result{Stack: pre.Stack, Sandbox: pre.Sandbox, Changes: map[string]int{}}
	var parent []string
	for _, rc := range pre.Resources {
		switch {
		case bootstrapTypes[rc.Type]:
			targets = append(targets, rc.URN)
			only.Resources = append(only.Resources, rc)
			only.Changes[rc.Op]++
		case rc.Type == infra.TypeECSService:
			parent = append(parent, rc.URN)
		}
	}
	if len(targets) == 1 {
		return targets, only
	}
	return append(targets, parent...), only
}
