package cloud

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/kirikae/kirikae/internal/projectfs"
)

// uploadWorkers bounds concurrent S3 calls: a frontend build is hundreds to
// thousands of small files, where latency, not bandwidth, is the cost.
const uploadWorkers = 16

// UploadOptions tune UploadRelease.
type UploadOptions struct {
	// Previous is the key prefix of an earlier release in the same bucket
	// (e.g. "releases/r41/"): a file whose MD5 equals the ETag of the
	// object at the same path there is copied server-side, not sent again.
	Previous string
	// Shared, when set, is the prefix content-hashed files go to instead
	// of the release's (e.g. "assets/"; see assets.go): stored once for
	// every release, skipped when already there. A hashed name already
	// there with other content is an error: it would change what every
	// release referencing it serves.
	Shared string
	// Progress, when set, is called after each file with the count done.
	Progress func(done, total int)
}

// UploadStats says what an upload did per file.
type UploadStats struct {
	Files    int `json:"files"`
	Uploaded int `json:"uploaded"` // sent with PutObject
	Copied   int `json:"copied"`   // copied server-side from the previous release
	Skipped  int `json:"skipped"`  // already there with the same content
	// Assets are the files stored under UploadOptions.Shared, relative to
	// it: the release's manifest (Manifest).
	Assets []string `json:"-"`
}

// UploadDir uploads every regular file under dir to bucket at prefix plus
// its slash-separated path relative to dir, and returns how many files it
// uploaded. See UploadRelease.
func UploadDir(ctx context.Context, c Cloud, bucket, prefix, dir string) (int, error) {
	st, err := UploadRelease(ctx, c, bucket, prefix, dir, UploadOptions{})
	return st.Files, err
}

// UploadRelease puts the files of dir under prefix in bucket, each with a
// Content-Type chosen by extension and a Cache-Control by name
// (CacheControl). Requests run in parallel. A file already under prefix
// with the same MD5 is skipped (a retried upload resumes), and one equal to
// the file at the same path under opts.Previous is copied server-side. A
// "/" is added to a non-empty prefix that lacks one. An empty dir is an
// error: flipping the site to an empty release would take it down.
//
// The bucket is public through CDN, so the walk is projectfs.Files: dotfiles
// and VCS/state directories (.git, .kirikae, .env) are never uploaded, and a
// symlink that leads out of dir is an error rather than a leak.
func UploadRelease(ctx context.Context, c Cloud, bucket, prefix, dir string, opts UploadOptions) (UploadStats, error) {
	var st UploadStats
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	files, err := projectfs.Files(dir)
	if err != nil {
		return st, fmt.Errorf("walk release dir: %w", err)
	}
	if len(files) == 0 {
		return st, fmt.Errorf("upload release dir: %s has no files", dir)
	}
	have, err := etags(ctx, c, bucket, prefix)
	if err != nil {
		return st, err
	}
	prev := map[string]string{}
	if opts.Previous != "" && opts.Previous != prefix {
		if prev, err = etags(ctx, c, bucket, opts.Previous); err != nil {
			return st, err
		}
	}
	shared := map[string]string{}
	if opts.Shared != "" {
		if shared, err = etags(ctx, c, bucket, opts.Shared); err != nil {
			return st, err
		}
		for _, f := range files {
			if IsHashed(f.Rel) {
				st.Assets = append(st.Assets, f.Rel)
			}
		}
	}
	var uploaded, copied, skipped, done atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(uploadWorkers)
	for _, f := range files {
		g.Go(func() error {
			body, err := os.ReadFile(f.Path)
			if err != nil {
				return fmt.Errorf("read release file: %w", err)
			}
			sum := md5.Sum(body)
			md := hex.EncodeToString(sum[:])
			key := prefix + f.Rel
			isShared := opts.Shared != "" && IsHashed(f.Rel)
			if isShared {
				key = opts.Shared + f.Rel
			}
			switch {
			case isShared && shared[f.Rel] == md, !isShared && have[f.Rel] == md:
				skipped.Add(1)
			case isShared && shared[f.Rel] != "":
				return fmt.Errorf("upload s3://%s/%s: a shared asset of that name holds other content (ETag %s, this file's MD5 %s); content-hashed names must change with their content", bucket, key, shared[f.Rel], md)
			case isShared:
				meta := ObjectMeta{ContentType: ContentType(key), CacheControl: CacheControl(key)}
				if err := c.PutObjectMeta(gctx, bucket, key, body, meta); err != nil {
					return fmt.Errorf("upload s3://%s/%s: %w", bucket, key, err)
				}
				uploaded.Add(1)
			case prev[f.Rel] == md:
				etag, err := c.CopyObject(gctx, bucket, opts.Previous+f.Rel, bucket, key)
				if err != nil {
					return err
				}
				if etag != "" && etag != md {
					return fmt.Errorf("copy s3://%s/%s: ETag %s after the copy, want %s", bucket, key, etag, md)
				}
				copied.Add(1)
			default:
				meta := ObjectMeta{ContentType: ContentType(key), CacheControl: CacheControl(key)}
				if err := c.PutObjectMeta(gctx, bucket, key, body, meta); err != nil {
					return fmt.Errorf("upload s3://%s/%s: %w", bucket, key, err)
				}
				uploaded.Add(1)
			}
			if n := done.Add(1); opts.Progress != nil {
				opts.Progress(int(n), len(files))
			}
			return nil
		})
	}
	err = g.Wait()
	st = UploadStats{Files: len(files), Uploaded: int(uploaded.Load()), Copied: int(copied.Load()), Skipped: int(skipped.Load()), Assets: st.Assets}
	return st, err
}

// etags maps the keys under prefix (relative to it) to their ETags.
func etags(ctx context.Context, c Cloud, bucket, prefix string) (map[string]string, error) {
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	objs, err := c.ListObjects(ctx, bucket, prefix)
	if err != nil {
		return nil, fmt.Errorf("list s3://%s/%s: %w", bucket, prefix, err)
	}
	out := make(map[string]string, len(objs))
	for _, o := range objs {
		out[strings.TrimPrefix(o.Key, prefix)] = o.ETag
	}
	return out, nil
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
