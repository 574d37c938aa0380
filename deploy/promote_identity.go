package deploy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
)

// VerifiedArtifacts are the identities of what a release was made of, read
// from AWS right after the release passed verification. A promote re-reads
// them from the source and refuses when anything differs: an approval that
// arrives an hour later must promote the bytes staging verified, not
// whatever a writer put under the same names since.
type VerifiedArtifacts struct {
	// ImageDigest is the imageDigest ECR's DescribeImages returned for
	// the release's image tag at verification.
	// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html
	ImageDigest string `json:"imageDigest,omitempty"`
	// FrontendDigest is a SHA-256 over the key and ETag of every object
	// of the frontend release (its prefix and the shared assets its
	// manifest lists), in key order; FrontendObjects counts them. S3
	// gives an overwritten object a new ETag ("The entity tag is a hash
	// of the object", https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html).
	FrontendDigest  string `json:"frontendDigest,omitempty"`
	FrontendObjects int    `json:"frontendObjects,omitempty"`
	// VerifiedCodeSha256 is, for a Lambda stack deploying a local zip,
	// the CodeSha256 of that zip when the release passed: the base64
	// SHA-256 of the deployment package, as Lambda reports it
	// (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html).
	// An s3:// artifact is pinned by its revision in the release values.
	VerifiedCodeSha256 string `json:"verifiedCodeSha256,omitempty"`
}

// verifiedArtifacts reads the identities of the release values v that just
// passed verification on this stack (outs: its outputs).
func (s *Session) verifiedArtifacts(ctx context.Context, cfg stacks.Config, outs map[string]Output, v Values) (*VerifiedArtifacts, error) {
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return nil, err
	}
	a := &VerifiedArtifacts{}
	if cfg.Backend == stacks.BackendECS && v.Image.Tag != "" {
		if a.ImageDigest, err = c.ImageDigest(ctx, imageRef(cfg, Image{Tag: v.Image.Tag})); err != nil {
			return nil, fmt.Errorf("read image digest of %s: %w", v.Image.Tag, err)
		}
	}
	if art := v.Lambda.Artifact; cfg.Backend == stacks.BackendLambda && art != "" {
		if _, _, ok := s3Artifact(art); !ok {
			if a.VerifiedCodeSha256, err = s.codeSha256(art); err != nil {
				return nil, err
			}
		}
	}
	if bucket := outputString(outs, infra.OutputFrontendBucket); cfg.FrontendEnabled && bucket != "" && v.FrontendRelease != "" {
		objs, err := frontendObjects(ctx, c, bucket, v.FrontendRelease)
		if err != nil {
			return nil, err
		}
		a.FrontendDigest, a.FrontendObjects = objectsDigest(objs), len(objs)
	}
	return a, nil
}

// frontendObjects lists a frontend release as served: the objects under
// its prefix and the shared assets its manifest lists (a release from
// before assets were shared has no manifest, its hashed files are in its
// prefix). A listed asset missing from the bucket is listed with no ETag,
// so its absence changes the digest too.
func frontendObjects(ctx context.Context, c cloud.Cloud, bucket, release string) ([]cloud.Object, error) {
	prefix := infra.ReleasePrefix(release) + "/"
	objs, err := c.ListObjects(ctx, bucket, prefix)
	if err != nil {
		return nil, fmt.Errorf("list frontend release %s: %w", release, err)
	}
	key := prefix + cloud.AssetManifest
	if !slices.ContainsFunc(objs, func(o cloud.Object) bool { return o.Key == key }) {
		return objs, nil
	}
	raw, err := c.GetObject(ctx, bucket, key)
	if err != nil {
		return nil, fmt.Errorf("read asset manifest of frontend %s: %w", release, err)
	}
	var m cloud.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("read asset manifest of frontend %s: %w", release, err)
	}
	shared, err := c.ListObjects(ctx, bucket, infra.AssetsPrefix)
	if err != nil {
		return nil, fmt.Errorf("list shared assets: %w", err)
	}
	etags := map[string]cloud.Object{}
	for _, o := range shared {
		etags[o.Key] = o
	}
	for _, rel := range m.Assets {
		k := infra.AssetsPrefix + rel
		o, ok := etags[k]
		if !ok {
			o = cloud.Object{Key: k}
		}
		objs = append(objs, o)
	}
	return objs, nil
}

// objectsDigest hashes keys and ETags in key order.
func objectsDigest(objs []cloud.Object) string {
	lines := make([]string, 0, len(objs))
	for _, o := range objs {
		lines = append(lines, o.Key+"\t"+strings.Trim(o.ETag, `"`)+"\n")
	}
	slices.Sort(lines)
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(l))
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// checkVerifiedArtifacts refuses to promote rel of from when its artifacts
// are no longer what was verified: the image tag resolves to another
// digest in the repository this stack pulls from, or the source's
// frontend objects were overwritten. It changes nothing.
func (s *Session) checkVerifiedArtifacts(ctx context.Context, from *Session, rel Release) error {
	changed := func(what, verified, now string) error {
		return &PromoteSourceChangedError{From: from.Stack(), To: s.Stack(), Release: rel.ID, What: what, Verified: verified, Now: now}
	}
	a := rel.Artifacts
	if a == nil {
		return &PromoteRefusedError{From: from.Stack(), To: s.Stack(),
			Reason: fmt.Sprintf("release %d of %s recorded no artifact identities when it was verified (an older kirikae, or they could not be read), so what it verified cannot be checked; deploy a new release to %s and promote that one", rel.ID, from.Stack(), from.Stack())}
	}
	if img := rel.Values.Image; rel.ImageTag != "" && img.Tag != "" {
		c, err := s.cloudAPI(ctx)
		if err != nil {
			return err
		}
		ref := imageRef(s.Config, Image{Tag: img.Tag})
		now, err := c.ImageDigest(ctx, ref)
		switch {
		case errors.As(err, new(*cloud.ImageAccessDeniedError)):
			return &ImagePullDeniedError{Stack: s.Stack(), Ref: ref, Err: err}
		case errors.As(err, new(*cloud.ImageNotFoundError)):
			return changed("image "+ref.String(), a.ImageDigest, "no image")
		case err != nil:
			return fmt.Errorf("check image of release %d of %s: %w", rel.ID, from.Stack(), err)
		case a.ImageDigest != img.Digest:
			// The tag moved while staging deployed: what it ran is not
			// what the tag named when it was verified.
			return changed("image "+ref.String()+" ("+from.Stack()+" ran "+img.Digest+")", a.ImageDigest, now)
		case now != a.ImageDigest:
			return changed("image "+ref.String(), a.ImageDigest, now)
		}
	}
	if err := s.checkLambdaArtifact(ctx, rel, changed); err != nil {
		return err
	}
	if rel.Values.FrontendRelease != "" && a.FrontendDigest != "" {
		outs, err := from.Outputs(ctx)
		if err != nil {
			return fmt.Errorf("read frontend bucket of %s: %w", from.Stack(), err)
		}
		bucket := outputString(outs, infra.OutputFrontendBucket)
		if err := from.checkFrontendDigest(ctx, bucket, rel.Values.FrontendRelease, a, changed); err != nil {
			return err
		}
	}
	return nil
}

// checkLambdaArtifact: the zip this stack would upload is the one the
// source verified (a local artifact is uploaded again by each stack), and
// an s3:// artifact's key still holds the revision the source ran.
func (s *Session) checkLambdaArtifact(ctx context.Context, rel Release, changed func(what, verified, now string) error) error {
	art := rel.Values.Lambda.Artifact
	if art == "" {
		return nil
	}
	if bucket, key, ok := s3Artifact(art); ok {
		if rel.Values.Lambda.Revision == "" {
			return nil
		}
		c, err := s.cloudAPI(ctx)
		if err != nil {
			return err
		}
		now, err := c.ObjectRevision(ctx, bucket, key)
		if err != nil {
			return fmt.Errorf("check Lambda artifact %s: %w", art, err)
		}
		if now != rel.Values.Lambda.Revision {
			return changed("Lambda artifact "+art, rel.Values.Lambda.Revision, now)
		}
		return nil
	}
	want := rel.Artifacts.VerifiedCodeSha256
	if want == "" {
		return nil
	}
	now, err := s.codeSha256(art)
	if err != nil {
		return err
	}
	if now != want {
		return changed("Lambda artifact "+art+" (CodeSha256)", want, now)
	}
	return nil
}

// codeSha256 is a local artifact's CodeSha256 as Lambda computes it
// (artifactCodeSha256); unlike a plan, a promote needs the file, so a
// missing one is an error.
func (s *Session) codeSha256(artifact string) (string, error) {
	sum, err := artifactCodeSha256(s.ProjectDir(), artifact)
	if err == nil && sum == "" {
		err = fmt.Errorf("read Lambda artifact %s: %w", artifact, os.ErrNotExist)
	}
	return sum, err
}

// checkFrontendDigest compares the frontend release in bucket with what
// was verified.
func (s *Session) checkFrontendDigest(ctx context.Context, bucket, release string, a *VerifiedArtifacts, changed func(what, verified, now string) error) error {
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return err
	}
	objs, err := frontendObjects(ctx, c, bucket, release)
	if err != nil {
		return err
	}
	if now := objectsDigest(objs); now != a.FrontendDigest {
		return changed(fmt.Sprintf("frontend release %s in s3://%s", release, bucket),
			fmt.Sprintf("%s (%d objects)", a.FrontendDigest, a.FrontendObjects), fmt.Sprintf("%s (%d objects)", now, len(objs)))
	}
	return nil
}

// PromoteSourceChangedError: what the source stack verified is no longer
// what its names hold (an image tag re-pushed, frontend objects
// overwritten after verification). Nothing was changed.
type PromoteSourceChangedError struct {
	From, To string
	Release  int
	What     string
	Verified string // the identity recorded at verification
	Now      string // the identity read now
}

func (e *PromoteSourceChangedError) Error() string {
	return fmt.Sprintf("refuse to promote %s to %s: %s changed since release %d was verified (verified %s, now %s); nothing changed",
		e.From, e.To, e.What, e.Release, e.Verified, e.Now)
}

// Hint: only a release verified with what is there now may be promoted.
func (e *PromoteSourceChangedError) Hint(inv Invocation) string {
	return fmt.Sprintf("find out who changed it (the bucket's or registry's CloudTrail events), then deploy a new release to %s (`%s`) and promote that one once it passes verification",
		e.From, inv.For(e.From).Command("up", "--image", "NEWTAG"))
}

// BadInput: nothing changed; a new verified release is the fix.
func (e *PromoteSourceChangedError) BadInput() bool { return true }
