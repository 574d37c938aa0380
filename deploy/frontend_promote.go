package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/infra"
)

// frontendSource is where a promote copies its frontend release from: the
// source stack's bucket, holding exactly the objects it verified.
type frontendSource struct {
	from    *Session
	bucket  string
	release string
	// verified is the source release the promote applies: its record
	// holds the frontend objects' digest at verification.
	verified Release
}

// planFrontendCopy makes the promote's frontend release a copy of the
// source stack's verified release (not an upload of the local build). A
// source without a frontend leaves the upload path as it is.
func (s *Session) planFrontendCopy(ctx context.Context, from *Session, rel Release) error {
	s.frontendSource = nil
	release := rel.Values.FrontendRelease
	if release == "" {
		return nil
	}
	outs, err := from.Outputs(ctx)
	if err != nil {
		return fmt.Errorf("read frontend bucket of %s: %w", from.Stack(), err)
	}
	if bucket := outputString(outs, infra.OutputFrontendBucket); bucket != "" {
		s.frontendSource = &frontendSource{from: from, bucket: bucket, release: release, verified: rel}
	}
	return nil
}

// copyFrontendRelease copies every object of the source release into
// bucket server-side (S3 CopyObject: the bytes and their Content-Type and
// Cache-Control never leave S3) and compares each copy's ETag with the
// source's, so product serves byte for byte what staging verified.
//
// Across accounts the copy runs with this stack's credentials, so the
// source bucket's policy must let this account's deploy role list the
// bucket (s3:ListBucket) and read releases/* and assets/* (s3:GetObject):
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html
func (s *Session) copyFrontendRelease(ctx context.Context, c cloud.Cloud, src *frontendSource, bucket string) error {
	// Checked again right before copying: the plan may have waited for
	// an approval, and objects overwritten since must not reach product.
	if a := src.verified.Artifacts; a != nil && a.FrontendDigest != "" {
		changed := func(what, verified, now string) error {
			return &PromoteSourceChangedError{From: src.from.Stack(), To: s.Stack(), Release: src.verified.ID, What: what, Verified: verified, Now: now}
		}
		if err := src.from.checkFrontendDigest(ctx, src.bucket, src.release, a, changed); err != nil {
			return err
		}
	}
	srcC, err := src.from.cloudAPI(ctx)
	if err != nil {
		return err
	}
	prefix := infra.ReleasePrefix(src.release) + "/"
	objs, err := srcC.ListObjects(ctx, src.bucket, prefix)
	if err != nil {
		return fmt.Errorf("list frontend release %s of %s: %w", src.release, src.from.Stack(), err)
	}
	if len(objs) == 0 {
		return fmt.Errorf("frontend release %s is not in %s's bucket %s (pruned?); promote a newer release", src.release, src.from.Stack(), src.bucket)
	}
	s.Phase("copy: frontend %s, %d objects from s3://%s", src.release, len(objs), src.bucket)
	var done atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for _, o := range objs {
		g.Go(func() error {
			etag, err := c.CopyObject(gctx, src.bucket, o.Key, bucket, o.Key)
			if err != nil {
				return err
			}
			if etag != o.ETag {
				return fmt.Errorf("copy s3://%s/%s: the copy's checksum (ETag %s) differs from the source's (%s)", src.bucket, o.Key, etag, o.ETag)
			}
			done.Add(1)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("copy frontend release %s from %s: %w", src.release, src.from.Stack(), err)
	}
	shared, err := s.copySharedAssets(ctx, c, src, bucket, objs)
	if err != nil {
		return err
	}
	s.Phase("copy: %d objects and %d shared assets, checksums equal", done.Load(), shared)
	return nil
}

// copySharedAssets copies the shared assets the source release's manifest
// lists (objs is the release's listing) that bucket lacks, and returns how
// many it copied. A source release from before assets were shared has no
// manifest and its hashed files in its prefix, copied above.
func (s *Session) copySharedAssets(ctx context.Context, c cloud.Cloud, src *frontendSource, bucket string, objs []cloud.Object) (int, error) {
	srcC, err := src.from.cloudAPI(ctx)
	if err != nil {
		return 0, err
	}
	key := infra.ReleasePrefix(src.release) + "/" + cloud.AssetManifest
	if !slices.ContainsFunc(objs, func(o cloud.Object) bool { return o.Key == key }) {
		return 0, nil
	}
	raw, err := srcC.GetObject(ctx, src.bucket, key)
	if err != nil {
		return 0, fmt.Errorf("read asset manifest of frontend %s: %w", src.release, err)
	}
	var m cloud.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return 0, fmt.Errorf("read asset manifest of frontend %s: %w", src.release, err)
	}
	have, err := sharedAssets(ctx, c, bucket)
	if err != nil {
		return 0, err
	}
	srcObjs, err := srcC.ListObjects(ctx, src.bucket, infra.AssetsPrefix)
	if err != nil {
		return 0, fmt.Errorf("list shared assets of %s: %w", src.from.Stack(), err)
	}
	etags := map[string]string{}
	for _, o := range srcObjs {
		etags[o.Key] = o.ETag
	}
	var n atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for _, rel := range m.Assets {
		if have[rel] {
			continue
		}
		key := infra.AssetsPrefix + rel
		g.Go(func() error {
			etag, err := c.CopyObject(gctx, src.bucket, key, bucket, key)
			if err != nil {
				return err
			}
			if etag != etags[key] {
				return fmt.Errorf("copy s3://%s/%s: the copy's checksum (ETag %s) differs from the source's (%s)", src.bucket, key, etag, etags[key])
			}
			n.Add(1)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return 0, fmt.Errorf("copy shared assets of frontend %s from %s: %w", src.release, src.from.Stack(), err)
	}
	return int(n.Load()), nil
}
