package deploy

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/kirikae/kirikae/cloud"
	"github.com/kirikae/kirikae/infra"
)

// carryAssets copies into release to the content-hashed assets of release
// from that to lacks (server-side, never overwriting). A viewer who loaded
// from's index.html just before the switch asks for from's assets just
// after it, and the viewer-request function sends that request to to's
// prefix: without the carried assets it would get a 404 and a broken page.
// Hashed names are content addresses, so an added file can never be
// served in place of one of to's own.
func (s *Session) carryAssets(ctx context.Context, bucket, from, to string) error {
	if bucket == "" || from == "" || to == "" || from == to {
		return nil
	}
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return err
	}
	fromPrefix, toPrefix := infra.ReleasePrefix(from)+"/", infra.ReleasePrefix(to)+"/"
	src, err := c.ListObjects(ctx, bucket, fromPrefix)
	if err != nil {
		return fmt.Errorf("carry assets of frontend %s: %w", from, err)
	}
	dst, err := c.ListObjects(ctx, bucket, toPrefix)
	if err != nil {
		return fmt.Errorf("carry assets into frontend %s: %w", to, err)
	}
	have := map[string]bool{}
	for _, o := range dst {
		have[strings.TrimPrefix(o.Key, toPrefix)] = true
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	n := 0
	for _, o := range src {
		rel := strings.TrimPrefix(o.Key, fromPrefix)
		if have[rel] || cloud.CacheControl(rel) != cloud.CacheImmutable {
			continue
		}
		n++
		g.Go(func() error {
			_, err := c.CopyObject(gctx, bucket, o.Key, bucket, toPrefix+rel)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("carry assets of frontend %s into %s: %w", from, to, err)
	}
	if n > 0 {
		s.Phase("carry: %d hashed assets of frontend %s into %s, for pages loaded before the switch", n, from, to)
	}
	return nil
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

// beforeRollbackSwitch carries the failed release's assets into the one
// the automatic rollback goes back to (see carryAssets).
func (r *run) beforeRollbackSwitch(ctx context.Context, back Values) error {
	from, to := r.applied.FrontendRelease, back.FrontendRelease
	if !r.p.cfg.FrontendEnabled || r.last == nil || from == to {
		return nil
	}
	return r.s.carryAssets(ctx, outputString(r.last.Outputs, infra.OutputFrontendBucket), from, to)
}
