package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
)

const releasesPrefix = "releases/"

// ensureFrontendRelease makes sure the bucket holds the release the
// distribution is about to serve. Deploys upload cfg.FrontendDir once per
// release id (releases are immutable: re-deploying an id never overwrites
// it); rollbacks only check, since the local build is not that release.
func (s *Session) ensureFrontendRelease(ctx context.Context, cfg stacks.Config, bucket, release string, upload bool) error {
	if !cfg.FrontendEnabled || bucket == "" || release == "" {
		return nil
	}
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return err
	}
	have, err := c.ListPrefixes(ctx, bucket, releasesPrefix)
	if err != nil {
		return fmt.Errorf("list frontend releases: %w", err)
	}
	if slices.Contains(have, release) {
		return nil
	}
	if !upload {
		return fmt.Errorf("frontend release %s is no longer in bucket %s (pruned?); deploy it again with --frontend-release", release, bucket)
	}
	dir := cfg.FrontendDir
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(s.ProjectDir(), dir)
	}
	prefix := infra.ReleasePrefix(release) + "/"
	s.Phase("upload: frontend %s from %s", release, cfg.FrontendDir)
	if _, err := cloud.UploadDir(ctx, c, bucket, prefix, dir); err != nil {
		return fmt.Errorf("upload frontend release %s: %w", release, err)
	}
	doc, _ := json.Marshal(map[string]string{"version": release})
	if err := c.PutObject(ctx, bucket, prefix+ReleaseFile, doc, "application/json"); err != nil {
		return fmt.Errorf("upload frontend release %s: %w", release, err)
	}
	return nil
}

// invalidate drops CloudFront's cache after the origin path moved, so
// viewers get the new release now rather than when objects expire.
func (s *Session) invalidate(ctx context.Context, outs map[string]Output) error {
	id := outputString(outs, infra.OutputDistributionID)
	if id == "" {
		return nil
	}
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return err
	}
	if err := c.Invalidate(ctx, id, []string{"/*"}); err != nil {
		return fmt.Errorf("invalidate distribution %s: %w", id, err)
	}
	return nil
}

// pruneFrontend deletes old releases, keeping cfg.KeepReleases and always
// the live one and the one before it (the rollback target).
func (s *Session) pruneFrontend(ctx context.Context, cfg stacks.Config, bucket string, releases []Release) ([]string, error) {
	if !cfg.FrontendEnabled || bucket == "" {
		return nil, nil
	}
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return nil, err
	}
	var keep []string
	for _, r := range releases {
		// A failed release is no rollback target: let it age out first.
		if r.Verified == VerifyFailed {
			continue
		}
		if r.FrontendRelease != "" && !slices.Contains(keep, r.FrontendRelease) {
			keep = append(keep, r.FrontendRelease)
		}
	}
	keepN := cfg.KeepReleases
	if keepN == 0 {
		keepN = 5
	}
	pruned, err := cloud.Prune(ctx, c, bucket, releasesPrefix, keep, keepN)
	if err != nil {
		return nil, fmt.Errorf("prune frontend releases: %w", err)
	}
	return pruned, nil
}
