package deploy

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/kirikae/kirikae/engine"
	"github.com/kirikae/kirikae/infra"
)

// AWS deletes a bucket or a repository only when it is empty: S3's
// DeleteBucket fails BucketNotEmpty while any object version or delete
// marker remains (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html),
// ECR's DeleteRepository fails RepositoryNotEmptyException while images
// remain (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html).
// kirikae does not set forceDestroy on its bucket, so a destroy never
// silently deletes released frontends: it looks first, says what blocks it,
// and empties through the data plane only when asked (ForceEmpty).

// DestroyOptions says what Destroy may delete besides the stack's resources.
type DestroyOptions struct {
	// ForceEmpty deletes every object version and delete marker of the
	// stack's frontend bucket before the engine deletes the bucket, and the
	// images of its repository when ECR refuses to delete it.
	ForceEmpty bool
}

// Blocker is data that keeps AWS from deleting a resource of the stack.
type Blocker struct {
	Kind  string `json:"kind"`  // "bucket" or "repository"
	Name  string `json:"name"`  // bucket or repository name
	Count int    `json:"count"` // object versions (and delete markers), or images; -1 when unknown
}

func (b Blocker) String() string {
	switch {
	case b.Kind == "bucket":
		return fmt.Sprintf("bucket %s holds %d object versions", b.Name, b.Count)
	case b.Count < 0:
		return fmt.Sprintf("repository %s still holds images", b.Name)
	}
	return fmt.Sprintf("repository %s holds %d images", b.Name, b.Count)
}

// DestroyBlockedError is a destroy refused because AWS would not delete a
// resource that still holds data. Before the engine ran (Partial false)
// nothing was deleted.
type DestroyBlockedError struct {
	Stack    string
	Blockers []Blocker
	// Partial: the engine ran and deleted what it could; the rest, the
	// blocked resource with it, is still in the stack.
	Partial bool
}

func (e *DestroyBlockedError) Error() string {
	what := make([]string, len(e.Blockers))
	for i, b := range e.Blockers {
		what[i] = b.String()
	}
	if e.Partial {
		return fmt.Sprintf("destroy %s stopped: %s, and AWS deletes only an empty one; the other resources were deleted", e.Stack, strings.Join(what, "; "))
	}
	return fmt.Sprintf("destroy %s: %s, and AWS deletes only an empty one; nothing was deleted", e.Stack, strings.Join(what, "; "))
}

// Hint names the flag that empties them first.
func (e *DestroyBlockedError) Hint(inv Invocation) string {
	args := []string{"--yes", "--force-empty"}
	if e.Stack == "product" {
		args = append(args, "--confirm", "product")
	}
	return fmt.Sprintf("to delete that data with the stack, re-run `%s`", inv.Command("destroy", args...))
}

// BadInput: the user adds --force-empty; nothing changed. A destroy that
// stopped halfway did change the stack.
func (e *DestroyBlockedError) BadInput() bool { return !e.Partial }

// DestroyBlockers lists the data that would make Destroy fail: the object
// versions in the stack's frontend bucket. A bucket already gone blocks
// nothing.
func (s *Session) DestroyBlockers(ctx context.Context) ([]Blocker, error) {
	outs, err := s.Outputs(ctx)
	if err != nil {
		return nil, err
	}
	bucket := outputString(outs, infra.OutputFrontendBucket)
	if bucket == "" {
		return nil, nil
	}
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return nil, err
	}
	n, err := c.ObjectVersions(ctx, bucket)
	if err != nil {
		if strings.Contains(err.Error(), "NoSuchBucket") {
			return nil, nil
		}
		return nil, fmt.Errorf("check frontend bucket before destroy: %w", err)
	}
	if n == 0 {
		return nil, nil
	}
	return []Blocker{{Kind: "bucket", Name: bucket, Count: n}}, nil
}

// DestroyWith is Destroy that first checks for data AWS will not delete
// with its container: without ForceEmpty it refuses (nothing deleted) and
// names it; with ForceEmpty it empties the bucket, under the stack's lock,
// then destroys. A repository with images shows up only when the engine
// tries to delete it (which proves the stack owns it): with ForceEmpty its
// images are deleted and the destroy resumes; without, it is named. It
// returns what it emptied.
func (s *Session) DestroyWith(ctx context.Context, o DestroyOptions) (*Result, []Blocker, error) {
	blockers, err := s.DestroyBlockers(ctx)
	if err != nil {
		return nil, nil, err
	}
	if len(blockers) > 0 && !o.ForceEmpty {
		return nil, nil, &DestroyBlockedError{Stack: s.Stack(), Blockers: blockers}
	}
	var emptied []Blocker
	res, err := s.engineOp(ctx, "destroy", func(ctx context.Context) (*engine.Result, error) {
		for _, b := range blockers {
			c, err := s.cloudAPI(ctx)
			if err != nil {
				return &engine.Result{}, err
			}
			n, err := c.EmptyBucket(ctx, b.Name)
			if err != nil {
				return &engine.Result{}, fmt.Errorf("empty bucket %s before destroy: %w", b.Name, err)
			}
			emptied = append(emptied, Blocker{Kind: b.Kind, Name: b.Name, Count: n})
		}
		res, err := s.Session.Destroy(ctx)
		repo := notEmptyRepository(err)
		if repo == "" || !o.ForceEmpty {
			return res, err
		}
		c, cerr := s.cloudAPI(ctx)
		if cerr != nil {
			return res, cerr
		}
		n, cerr := c.EmptyRepository(ctx, repo)
		if cerr != nil {
			return res, fmt.Errorf("empty repository %s before destroy: %w", repo, cerr)
		}
		emptied = append(emptied, Blocker{Kind: "repository", Name: repo, Count: n})
		return s.Session.Destroy(ctx)
	})
	if repo := notEmptyRepository(err); repo != "" {
		var cancelled *CancelledError
		if !errors.As(err, &cancelled) {
			return nil, emptied, &DestroyBlockedError{Stack: s.Stack(), Partial: true,
				Blockers: []Blocker{{Kind: "repository", Name: repo, Count: s.imageCount(ctx, repo)}}}
		}
	}
	if err != nil {
		return nil, emptied, err
	}
	return res, emptied, nil
}

// notEmptyRepository is the repository ECR refused to delete for its
// images (RepositoryNotEmptyException), or "".
func notEmptyRepository(err error) string {
	if err == nil || !strings.Contains(err.Error(), "RepositoryNotEmptyException") {
		return ""
	}
	if m := repositoryNameRe.FindStringSubmatch(err.Error()); m != nil {
		return m[1]
	}
	return ""
}

// ECR names the repository in its message: "The repository with name 'x'
// in registry with id '…' cannot be deleted because it still contains images".
var repositoryNameRe = regexp.MustCompile(`repository with name '([^']+)'`)

// imageCount is how many images the repository holds, -1 when unknown.
func (s *Session) imageCount(ctx context.Context, repo string) int {
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return -1
	}
	n, err := c.RepositoryImages(ctx, repo)
	if err != nil {
		return -1
	}
	return n
}
