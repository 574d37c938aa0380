package deploy

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/kirikae/kirikae/backend"
	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/stacks"
)

// A build record says which image the pipeline itself pushed under a tag:
// the digest its build produced. ECR lets anyone with push rights put an
// image under any tag not taken yet, including the tree hash of a pull
// request still in review; the build job skips building when the tag
// exists, so without a record it would deploy that image when the pull
// request merges. Records are written once, beside the stack's release
// records in the state backend, which only the stack's deploy role writes
// (kirikae iam policy), never ECR push rights or PR code.
//
// An image label would not do: whoever pushes the image writes its labels
// too. ECR's imageDigest is the SHA-256 of the image manifest, so a digest
// recorded at push names those bytes and nothing else:
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageIdentifier.html

// BuildRecord is one image the pipeline built and pushed.
type BuildRecord struct {
	Tag    string    `json:"tag"`
	Digest string    `json:"digest"`
	Commit string    `json:"commit,omitempty"`
	Who    string    `json:"who,omitempty"`
	When   time.Time `json:"when"`
}

// BuildCheck is what `image check` found for a tag.
type BuildCheck struct {
	Tag string `json:"tag"`
	// Found: ECR holds the tag and it names the digest the pipeline
	// recorded for it, so the build may be skipped.
	Found  bool   `json:"found"`
	Digest string `json:"digest,omitempty"`
}

func (s *Session) buildKey(tag string) string {
	return "releases/" + s.ProjectName() + "/" + s.Stack() + "/builds/" + tag + ".json"
}

// imageDigestOf is the digest ECR holds under tag in the stack's
// repository, "" when the tag (or the repository) is not there.
func (s *Session) imageDigestOf(ctx context.Context, tag string) (cloud.ImageRef, string, error) {
	ref := imageRef(s.Config, Image{Tag: tag})
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return ref, "", err
	}
	digest, err := c.ImageDigest(ctx, ref)
	if errors.As(err, new(*cloud.ImageNotFoundError)) {
		return ref, "", nil
	}
	if err != nil {
		return ref, "", fmt.Errorf("read image %s: %w", ref, err)
	}
	return ref, digest, nil
}

// RecordBuild records that the pipeline pushed digest under tag, after
// checking ECR holds exactly that under the tag now. Recording the same
// digest again changes nothing; another digest is refused.
func (s *Session) RecordBuild(ctx context.Context, tag, digest string) (BuildRecord, error) {
	if s.Config.Backend != stacks.BackendECS {
		return BuildRecord{}, &BuildRecordError{Stack: s.Stack(), Tag: tag, Reason: "the stack runs on Lambda and pulls no image"}
	}
	ref, now, err := s.imageDigestOf(ctx, tag)
	if err != nil {
		return BuildRecord{}, err
	}
	if now != digest {
		return BuildRecord{}, &BuildRecordError{Stack: s.Stack(), Tag: tag, Ref: ref, Digest: now,
			Reason: fmt.Sprintf("the build pushed %s, but ECR holds %s under the tag", digest, cmp.Or(now, "nothing"))}
	}
	rec := BuildRecord{Tag: tag, Digest: digest, Commit: s.commit(ctx), Who: who(), When: time.Now().UTC().Truncate(time.Second)}
	raw, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return BuildRecord{}, fmt.Errorf("encode build record: %w", err)
	}
	err = s.Store().Create(ctx, s.buildKey(tag), raw)
	if errors.Is(err, backend.ErrExists) {
		old, rerr := s.buildRecord(ctx, tag)
		if rerr != nil {
			return BuildRecord{}, rerr
		}
		if old.Digest == digest {
			return old, nil
		}
		return BuildRecord{}, &BuildRecordError{Stack: s.Stack(), Tag: tag, Ref: ref, Digest: digest,
			Reason: fmt.Sprintf("the pipeline recorded %s for it before", old.Digest)}
	}
	if err != nil {
		return BuildRecord{}, fmt.Errorf("record build %s: %w", tag, err)
	}
	return rec, nil
}

func (s *Session) buildRecord(ctx context.Context, tag string) (BuildRecord, error) {
	raw, err := s.Store().Get(ctx, s.buildKey(tag))
	if err != nil {
		return BuildRecord{}, err
	}
	var rec BuildRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return BuildRecord{}, fmt.Errorf("read build record %s: %w", tag, err)
	}
	return rec, nil
}

// CheckBuild says whether the build of tag may be skipped: ECR holds the
// tag and it names the digest the pipeline recorded. A tag that is not
// there is not found (build it). A tag holding an image the pipeline did
// not record is refused (*BuildRecordError): it cannot be rebuilt either,
// since the repository's tags are immutable.
func (s *Session) CheckBuild(ctx context.Context, tag string) (BuildCheck, error) {
	out := BuildCheck{Tag: tag}
	if s.Config.Backend != stacks.BackendECS {
		return out, nil // a Lambda stack runs no image
	}
	ref, now, err := s.imageDigestOf(ctx, tag)
	if err != nil || now == "" {
		return out, err
	}
	rec, err := s.buildRecord(ctx, tag)
	switch {
	case errors.Is(err, backend.ErrNotFound):
		return out, &BuildRecordError{Stack: s.Stack(), Tag: tag, Ref: ref, Digest: now, Unknown: true,
			Reason: "no build of this pipeline recorded it"}
	case err != nil:
		return out, err
	case rec.Digest != now:
		return out, &BuildRecordError{Stack: s.Stack(), Tag: tag, Ref: ref, Digest: now, Unknown: true,
			Reason: fmt.Sprintf("the pipeline recorded %s for it", rec.Digest)}
	}
	out.Found, out.Digest = true, now
	return out, nil
}

// BuildRecordError: ECR holds under a release tag an image the pipeline
// did not build (or the build's push and ECR disagree). Nothing changed.
type BuildRecordError struct {
	Stack, Tag string
	Ref        cloud.ImageRef
	Digest     string // what ECR holds under the tag
	Reason     string
	// Unknown: the image under the tag is not one the pipeline built.
	Unknown bool
}

func (e *BuildRecordError) Error() string {
	if e.Unknown {
		return fmt.Sprintf("image %s (%s) was not built by this pipeline: %s; not deploying it", e.Ref, e.Digest, e.Reason)
	}
	return fmt.Sprintf("record build %s of %s: %s", e.Tag, e.Stack, e.Reason)
}

// Hint: delete the image nobody recorded and build again.
func (e *BuildRecordError) Hint(Invocation) string {
	if e.Ref.Repository == "" {
		return ""
	}
	return fmt.Sprintf("find out who pushed it, delete it (`aws ecr batch-delete-image --repository-name %s --image-ids imageTag=%s`), then run the build again",
		e.Ref.Repository, e.Tag)
}

// BadInput: nothing changed.
func (e *BuildRecordError) BadInput() bool { return true }
