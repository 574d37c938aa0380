package cloud

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/kirikae/kirikae/internal/projectfs"
)

// uploadWorkers bounds concurrent PutObject calls: a frontend build is tens
// to hundreds of small files, where latency, not bandwidth, is the cost.
const uploadWorkers = 8

// UploadDir uploads every regular file under dir to bucket at prefix plus
// its slash-separated path relative to dir, with a Content-Type chosen by
// extension, and returns how many files it uploaded. A "/" is added to a
// non-empty prefix that lacks one. An empty dir is an error: flipping the
// site to an empty release would take it down.
//
// The bucket is public through CDN, so the walk is projectfs.Files: dotfiles
// and VCS/state directories (.git, .kirikae, .env) are never uploaded, and a
// symlink that leads out of dir is an error rather than a leak.
func UploadDir(ctx context.Context, c Cloud, bucket, prefix, dir string) (int, error) {
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	files, err := projectfs.Files(dir)
	if err != nil {
		return 0, fmt.Errorf("walk release dir: %w", err)
	}
	if len(files) == 0 {
		return 0, fmt.Errorf("upload release dir: %s has no files", dir)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(uploadWorkers)
	for _, f := range files {
		g.Go(func() error { return uploadFile(gctx, c, bucket, prefix+f.Rel, f.Path) })
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	return len(files), nil
}

func uploadFile(ctx context.Context, c Cloud, bucket, key, path string) error {
	body, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read release file: %w", err)
	}
	if err := c.PutObject(ctx, bucket, key, body, ContentType(key)); err != nil {
		return fmt.Errorf("upload s3://%s/%s: %w", bucket, key, err)
	}
	return nil
}

// Prune deletes old frontend releases under releasesPrefix (e.g.
// "releases/") so the bucket does not grow forever, and returns the deleted
// release ids, oldest first.
//
// keep is the caller's newest-first list of the release ids it has records
// for, and it must start with the live release followed by the previous
// one (the rollback target). Releases in the bucket are ranked:
//
//   - releases in keep, in keep's order;
//   - then releases in the bucket that keep does not name (abandoned
//     uploads, lost records), by id, greatest first, so timestamp-like ids
//     age naturally. They rank as the oldest because nothing vouches for
//     them.
//
// Releases past the first maxReleases in that ranking are deleted, last first. The
// first two entries of keep are never deleted: maxReleases below 2 counts
// as 2.
// Ids in keep that are not in the bucket take no place in the ranking.
func Prune(ctx context.Context, c Cloud, bucket, releasesPrefix string, keep []string, maxReleases int) ([]string, error) {
	if releasesPrefix != "" && !strings.HasSuffix(releasesPrefix, "/") {
		releasesPrefix += "/"
	}
	// Known releases rank first, so keeping at least two keeps keep[0] and
	// keep[1] whenever they exist.
	maxReleases = max(maxReleases, 2)
	present, err := c.ListPrefixes(ctx, bucket, releasesPrefix)
	if err != nil {
		return nil, fmt.Errorf("list releases: %w", err)
	}
	ranked := rankReleases(present, keep)
	var deleted []string
	for i := len(ranked) - 1; i >= maxReleases; i-- {
		id := ranked[i]
		if _, err := c.DeletePrefix(ctx, bucket, releasesPrefix+id+"/"); err != nil {
			return deleted, fmt.Errorf("delete release %s: %w", id, err)
		}
		deleted = append(deleted, id)
	}
	return deleted, nil
}

// rankReleases orders present releases newest first as Prune documents.
func rankReleases(present, keep []string) []string {
	inBucket := map[string]bool{}
	for _, id := range present {
		inBucket[id] = true
	}
	var ranked []string
	known := map[string]bool{}
	for _, id := range keep {
		if inBucket[id] && !known[id] {
			ranked = append(ranked, id)
		}
		known[id] = true
	}
	var unknown []string
	for _, id := range present {
		if !known[id] {
			unknown = append(unknown, id)
		}
	}
	slices.Sort(unknown)
	slices.Reverse(unknown)
	return append(ranked, unknown...)
}
