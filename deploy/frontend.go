package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
	"github.com/kirikae/kirikae/verify"
)

const releasesPrefix = "releases/"

// ensureFrontendRelease makes sure the bucket holds the release the
// distribution is about to serve. Deploys upload cfg.FrontendDir once per
// release id (releases are immutable: re-deploying an id never overwrites
// it), or, for a promote, copy the release the source stack verified;
// rollbacks only check, since the local build is not that release.
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
	if err := s.putFrontendRelease(ctx, c, cfg, have, bucket, release, upload); err != nil {
		return err
	}
	ids := []string{release}
	if live := s.liveFrontend(ctx); slices.Contains(have, live) {
		ids = append(ids, live)
	}
	return s.shareAssets(ctx, bucket, ids...)
}

// putFrontendRelease uploads (or, for a promote, copies) the release unless
// the bucket has it already.
func (s *Session) putFrontendRelease(ctx context.Context, c cloud.Cloud, cfg stacks.Config, have []string, bucket, release string, upload bool) error {
	if slices.Contains(have, release) {
		return nil
	}
	if !upload {
		return fmt.Errorf("frontend release %s is no longer in bucket %s (pruned?); deploy it again with --frontend-release", release, bucket)
	}
	if src := s.frontendSource; src != nil && src.release == release {
		return s.copyFrontendRelease(ctx, c, src, bucket)
	}
	dir := cfg.FrontendDir
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(s.ProjectDir(), dir)
	}
	prefix := infra.ReleasePrefix(release) + "/"
	opts := cloud.UploadOptions{Previous: s.previousFrontend(ctx, have, release), Shared: infra.AssetsPrefix, Progress: s.uploadProgress()}
	s.Phase("upload: frontend %s from %s", release, cfg.FrontendDir)
	st, err := cloud.UploadRelease(ctx, c, bucket, prefix, dir, opts)
	if err != nil {
		return fmt.Errorf("upload frontend release %s: %w", release, err)
	}
	s.Phase("upload: %d files (%d sent, %d copied unchanged from %s, %d already there; %d shared hashed assets)",
		st.Files, st.Uploaded, st.Copied, opts.Previous, st.Skipped, len(st.Assets))
	meta := cloud.ObjectMeta{ContentType: "application/json", CacheControl: cloud.CacheRevalidate}
	manifest, _ := json.Marshal(cloud.Manifest{Assets: st.Assets})
	doc, _ := json.Marshal(map[string]string{"version": release})
	for name, body := range map[string][]byte{cloud.AssetManifest: manifest, ReleaseFile: doc} {
		if err := c.PutObjectMeta(ctx, bucket, prefix+name, body, meta); err != nil {
			return fmt.Errorf("upload frontend release %s: %w", release, err)
		}
	}
	return nil
}

// uploadProgress reports every tenth of a large upload as a phase, so a
// terminal shows it moving; small uploads say nothing until done.
func (s *Session) uploadProgress() func(done, total int) {
	var mu sync.Mutex
	last := 0
	return func(done, total int) {
		if total < 200 {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if step := done * 10 / total; step > last && done < total {
			last = step
			s.Phase("upload: %d/%d files", done, total)
		}
	}
}

// previousFrontend is the prefix of the newest recorded release still in
// the bucket: most of a new release's files are usually in it unchanged.
func (s *Session) previousFrontend(ctx context.Context, have []string, release string) string {
	log, err := s.Releases(ctx)
	if err != nil {
		return "" // only an optimisation: upload everything
	}
	for _, r := range log {
		if r.FrontendRelease != "" && r.FrontendRelease != release && slices.Contains(have, r.FrontendRelease) {
			return infra.ReleasePrefix(r.FrontendRelease) + "/"
		}
	}
	return ""
}

// A switch needs no CloudFront invalidation, and kirikae waits for none.
// The viewer-request function runs "before checking to see whether the
// requested object is in the CloudFront cache"
// (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/function-code-choose-purpose.html),
// so the URI it rewrites to releases/<id>/… is the cache key: a new
// release's objects are new keys, never stale copies of the old one's.
// And nothing is cached outside those prefixes: the distribution has one
// cache behaviour, which carries the function, and no custom error pages
// (pinned by infra's TestEveryFrontendRequestGoesThroughTheReleaseSwitch),
// so no path is shared between releases and none needs invalidating.
// What the switch waits for is the key's propagation to the edges
// (seconds; AWS gives no bound and no API reports it), by watching the
// edge serve the release (awaitEdge).

// edgeWait bounds awaitEdge: how often it looks and for how long. The
// sandbox runs them on its scaled clock, as it propagates keys.
func (s *Session) edgeWait() (interval, budget time.Duration) {
	interval, budget = time.Second, 2*time.Minute
	if s.Sandbox() {
		scale := sandboxTimeScale()
		interval = max(time.Duration(float64(interval)*scale), 10*time.Millisecond)
		budget = max(time.Duration(float64(budget)*scale), 2*time.Second)
	}
	return interval, budget
}

// awaitEdge waits, after a frontend switch, until the distribution serves
// the switched-to release's kirikae-release.json, so what is verified next
// is what viewers get. Past its budget it gives up quietly: verification
// then reports what is served.
func (s *Session) awaitEdge(ctx context.Context, cfg stacks.Config, outs map[string]Output) error {
	url, want := outputString(outs, infra.OutputFrontendURL), outputString(outs, infra.OutputFrontendRelease)
	if !cfg.FrontendEnabled || url == "" || want == "" {
		return nil
	}
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return err
	}
	interval, budget := s.edgeWait()
	start := time.Now()
	check := verify.Check{Name: "frontend", URL: url, Path: "/" + ReleaseFile, ExpectVersion: want}
	_, err = verify.Run(ctx, []verify.Check{check}, verify.Options{
		Attempts: int(budget/interval) + 1, Interval: interval, Timeout: budget, Client: c.HTTPClient()})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err == nil {
		s.Phase("propagate: frontend %s served by the edges after %s", want, time.Since(start).Round(time.Millisecond))
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
	// Shared assets live as long as a release left in the bucket lists
	// them; this runs under the deploy lock, so no upload is under way.
	if _, err := cloud.PruneAssets(ctx, c, bucket, releasesPrefix, infra.AssetsPrefix); err != nil {
		return pruned, fmt.Errorf("prune frontend assets: %w", err)
	}
	return pruned, nil
}
