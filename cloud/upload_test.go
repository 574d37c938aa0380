package cloud

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for rel, body := range files {
		path := filepath.Join(dir, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	}
	return dir
}

func TestUploadDirPutsEveryFileUnderThePrefix(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"index.html":             "<html>",
		"assets/app.0a1b2c3d.js": "js",
		"assets/img/logo.svg":    "<svg>",
		"kirikae-release.json":   `{"version":"r1"}`,
	})
	m := newMem()
	n, err := UploadDir(context.Background(), m, "site", "releases/r1", dir)
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	assert.Equal(t, map[string]memObject{
		"site/releases/r1/index.html":             {"<html>", "text/html; charset=utf-8", "no-cache"},
		"site/releases/r1/assets/app.0a1b2c3d.js": {"js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
		"site/releases/r1/assets/img/logo.svg":    {"<svg>", "image/svg+xml", "no-cache"},
		"site/releases/r1/kirikae-release.json":   {`{"version":"r1"}`, "application/json", "no-cache"},
	}, m.objects)
}

func TestCacheControlByName(t *testing.T) {
	assert.Equal(t, CacheImmutable, CacheControl("releases/r1/app.a0a13285.js"))
	assert.Equal(t, CacheImmutable, CacheControl("style.2c8af2f3.css"))
	assert.Equal(t, CacheRevalidate, CacheControl("releases/r1/index.html"))
	assert.Equal(t, CacheRevalidate, CacheControl("kirikae-release.json"))
	assert.Equal(t, CacheRevalidate, CacheControl("app.js"), "an unhashed name keeps its URL across releases")
	assert.Equal(t, CacheRevalidate, CacheControl("app.a0a1.js"), "too short to be a content hash")
}

// The second release copies unchanged files from the first server-side and
// sends only what changed; a retried upload sends nothing.
func TestUploadReleaseCopiesUnchangedAndSkipsPresent(t *testing.T) {
	m := newMem()
	files := map[string]string{"index.html": "<p>1</p>", "app.0a1b2c3d.js": "js", "img/a.png": "png"}
	st, err := UploadRelease(t.Context(), m, "site", "releases/r1", writeFiles(t, files), UploadOptions{})
	require.NoError(t, err)
	assert.Equal(t, UploadStats{Files: 3, Uploaded: 3}, st)

	files["index.html"] = "<p>2</p>"
	dir := writeFiles(t, files)
	var last int
	st, err = UploadRelease(t.Context(), m, "site", "releases/r2", dir, UploadOptions{Previous: "releases/r1/", Progress: func(done, total int) { last = max(last, done); assert.Equal(t, 3, total) }})
	require.NoError(t, err)
	assert.Equal(t, UploadStats{Files: 3, Uploaded: 1, Copied: 2}, st)
	assert.Equal(t, 3, last)
	assert.Equal(t, 4, m.puts)
	assert.Equal(t, 2, m.copies)
	assert.Equal(t, memObject{"js", "text/javascript; charset=utf-8", CacheImmutable}, m.objects["site/releases/r2/app.0a1b2c3d.js"])
	assert.Equal(t, "<p>2</p>", m.objects["site/releases/r2/index.html"].body)

	st, err = UploadRelease(t.Context(), m, "site", "releases/r2", dir, UploadOptions{Previous: "releases/r1/"})
	require.NoError(t, err)
	assert.Equal(t, UploadStats{Files: 3, Skipped: 3}, st)
	assert.Equal(t, 4, m.puts)
}

func TestUploadDirRejectsAnEmptyDir(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	n, err := UploadDir(context.Background(), newMem(), "site", "releases/r1/", dir)
	require.ErrorContains(t, err, "has no files")
	assert.Zero(t, n)
}

func TestUploadDirReportsPutFailures(t *testing.T) {
	m := newMem()
	m.putErr = errors.New("AccessDenied")
	_, err := UploadDir(context.Background(), m, "site", "releases/r1/", writeFiles(t, map[string]string{"a.txt": "a"}))
	require.ErrorContains(t, err, "upload s3://site/releases/r1/a.txt: AccessDenied")
}

func TestUploadDirMissingDirFails(t *testing.T) {
	_, err := UploadDir(context.Background(), newMem(), "site", "", filepath.Join(t.TempDir(), "nope"))
	require.ErrorContains(t, err, "walk release dir")
}

func TestContentTypeFallsBackToOctetStream(t *testing.T) {
	assert.Equal(t, "application/octet-stream", ContentType("blob.kirikae-unknown"))
	assert.Equal(t, "font/woff2", ContentType("A.WOFF2"))
}

// releases puts one file into each release directory.
func releases(t *testing.T, m *memCloud, ids ...string) {
	for _, id := range ids {
		require.NoError(t, m.PutObject(context.Background(), "site", "releases/"+id+"/index.html", []byte(id), ""))
	}
}

func remaining(t *testing.T, m *memCloud) []string {
	got, err := m.ListPrefixes(context.Background(), "site", "releases/")
	require.NoError(t, err)
	return got
}

func TestPruneDeletesTheOldestKnownReleasesBeyondMax(t *testing.T) {
	m := newMem()
	releases(t, m, "r1", "r2", "r3", "r4", "r5")
	deleted, err := Prune(context.Background(), m, "site", "releases/", []string{"r5", "r4", "r3", "r2", "r1"}, 3)
	require.NoError(t, err)
	assert.Equal(t, []string{"r1", "r2"}, deleted, "oldest first")
	assert.Equal(t, []string{"r3", "r4", "r5"}, remaining(t, m))
	assert.Equal(t, []string{"releases/r1/", "releases/r2/"}, m.deletes, "whole release directories only")
}

func TestPruneFollowsKeepOrderNotNames(t *testing.T) {
	// After a rollback the live release is not the newest by name.
	m := newMem()
	releases(t, m, "r1", "r2", "r3")
	deleted, err := Prune(context.Background(), m, "site", "releases", []string{"r1", "r3", "r2"}, 2)
	require.NoError(t, err)
	assert.Equal(t, []string{"r2"}, deleted)
	assert.Equal(t, []string{"r1", "r3"}, remaining(t, m))
}

func TestPruneDeletesUnknownReleasesBeforeKnownOnes(t *testing.T) {
	m := newMem()
	releases(t, m, "a-orphan", "b-orphan", "r1", "r2", "r3")
	deleted, err := Prune(context.Background(), m, "site", "releases/", []string{"r3", "r2", "r1"}, 4)
	require.NoError(t, err)
	assert.Equal(t, []string{"a-orphan"}, deleted, "unknown ones rank oldest, smallest name first")

	deleted, err = Prune(context.Background(), m, "site", "releases/", []string{"r3", "r2", "r1"}, 3)
	require.NoError(t, err)
	assert.Equal(t, []string{"b-orphan"}, deleted)
}

func TestPruneKeepsUnknownReleasesWhileUnderMax(t *testing.T) {
	m := newMem()
	releases(t, m, "orphan", "r1")
	deleted, err := Prune(context.Background(), m, "site", "releases/", []string{"r1"}, 5)
	require.NoError(t, err)
	assert.Empty(t, deleted)
	assert.Equal(t, []string{"orphan", "r1"}, remaining(t, m))
}

func TestPruneNeverDeletesLiveOrPrevious(t *testing.T) {
	m := newMem()
	releases(t, m, "r1", "r2", "r3", "orphan")
	deleted, err := Prune(context.Background(), m, "site", "releases/", []string{"r3", "r3", "r2", "r1", "gone"}, 0)
	require.NoError(t, err)
	assert.Equal(t, []string{"orphan", "r1"}, deleted)
	assert.Equal(t, []string{"r2", "r3"}, remaining(t, m))
}

func TestPruneLeavesOtherPrefixesAlone(t *testing.T) {
	m := newMem()
	releases(t, m, "r1", "r2", "r3")
	require.NoError(t, m.PutObject(context.Background(), "site", "other/x/y", []byte("y"), ""))
	_, err := Prune(context.Background(), m, "site", "releases/", []string{"r3", "r2"}, 2)
	require.NoError(t, err)
	assert.Contains(t, m.objects, "site/other/x/y")
}

// The repro: frontendDir "." uploaded .kirikae/passphrase and
// .git/config to the public bucket.
func TestUploadDirNeverUploadsDotfilesOrStateDirs(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"index.html":          "<html>",
		".kirikae/passphrase": "pw",
		".git/config":         "token",
		".env":                "SECRET=1",
		"assets/.DS_Store":    "x",
	})
	m := newMem()
	n, err := UploadDir(context.Background(), m, "site", "releases/r1", dir)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, map[string]memObject{
		"site/releases/r1/index.html": {"<html>", "text/html; charset=utf-8", "no-cache"},
	}, m.objects)
}

func TestUploadDirRefusesSymlinksOutOfTheDir(t *testing.T) {
	dir := writeFiles(t, map[string]string{"index.html": "<html>"})
	secret := filepath.Join(writeFiles(t, map[string]string{"id_rsa": "key"}), "id_rsa")
	require.NoError(t, os.Symlink(secret, filepath.Join(dir, "key.txt")))
	m := newMem()
	_, err := UploadDir(context.Background(), m, "site", "releases/r1", dir)
	require.ErrorContains(t, err, "outside")
	assert.Empty(t, m.objects, "nothing is uploaded when the walk refuses")
}
