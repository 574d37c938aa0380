package deploy

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/infra"
)

// shareAssets makes sure the content-hashed assets of each release are in
// the shared prefix, where the viewer-request function sends every request
// for a hashed name (cloud/assets.go). A release uploaded since assets are
// shared has them there already and none in its own prefix: one short
// listing finds nothing to do. A release uploaded before keeps its hashed
// files in its prefix; they are copied across (server-side, never
// overwriting: a hashed name is a content address) before a switch to it or
// away from it, so the live release's pages find their assets after the
// switch — a viewer who loaded the old index.html just before it asks for
// the old assets just after it — and so do the target's.
func (s *Session) shareAssets(ctx context.Context, bucket string, releases ...string) error {
	if bucket == "" {
		return nil
	}
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return err
	}
	type move struct{ from, rel string }
	var missing []move
	var have map[string]bool
	for _, id := range releases {
		if id == "" {
			continue
		}
		prefix := infra.ReleasePrefix(id) + "/"
		objs, err := c.ListObjects(ctx, bucket, prefix)
		if err != nil {
			return fmt.Errorf("share assets of frontend %s: %w", id, err)
		}
		for _, o := range objs {
			rel := strings.TrimPrefix(o.Key, prefix)
			if !cloud.IsHashed(rel) {
				continue
			}
			if have == nil {
				if have, err = sharedAssets(ctx, c, bucket); err != nil {
					return err
				}
			}
			if !have[rel] {
				have[rel] = true
				missing = append(missing, move{o.Key, rel})
			}
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for _, m := range missing {
		g.Go(func() error {
			_, err := c.CopyObject(gctx, bucket, m.from, bucket, infra.AssetsPrefix+m.rel)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("share frontend assets: %w", err)
	}
	if len(missing) > 0 {
		s.Phase("share: %d hashed assets of %s into %s, for pages loaded before the switch", len(missing), strings.Join(releases, ", "), infra.AssetsPrefix)
	}
	return nil
}

// sharedAssets is the set of asset paths under the shared prefix.
func sharedAssets(ctx context.Context, c cloud.Cloud, bucket string) (map[string]bool, error) {
	objs, err := c.ListObjects(ctx, bucket, infra.AssetsPrefix)
	if err != nil {
		return nil, fmt.Errorf("list shared frontend assets: %w", err)
	}
	out := make(map[string]bool, len(objs))
	for _, o := range objs {
		out[strings.TrimPrefix(o.Key, infra.AssetsPrefix)] = true
	}
	return out, nil
}

// liveFrontend is the frontend release serving now, from the release log.
func (s *Session) liveFrontend(ctx context.Context) string {
	rels, err := s.Releases(ctx)
	if err != nil {
		return ""
	}
	if r, ok := LiveRelease(rels); ok {
		return r.FrontendRelease
	}
	return ""
}

// beforeRollbackSwitch makes sure the assets of the failed release and of
// the one the automatic rollback goes back to are shared (see shareAssets).
func (r *run) beforeRollbackSwitch(ctx context.Context, back Values) error {
	from, to := r.applied.FrontendRelease, back.FrontendRelease
	if !r.p.cfg.FrontendEnabled || r.last == nil || from == to {
		return nil
	}
	return r.s.shareAssets(ctx, outputString(r.last.Outputs, infra.OutputFrontendBucket), to, from)
}
