package sandbox

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/cloud"

	"github.com/kirikae/kirikae/sandbox/core"
)

// fileID is what tells a rewritten file from one left alone: writeAtomic
// replaces the inode; any write changes the modification time.
func fileID(t *testing.T, path string) [3]int64 {
	t.Helper()
	var st syscall.Stat_t
	require.NoError(t, syscall.Stat(path, &st))
	return [3]int64{int64(st.Ino), st.Mtim.Nano(), st.Size}
}

func TestObjectWritesLeaveTheAccountFileAlone(t *testing.T) {
	h := newHarness(t)
	h.create(bucketType, "site", pmap(map[string]any{"bucket": "site"}))
	c := h.cloud()
	account := filepath.Join(h.acct.Dir(), core.AccountFile)
	before := fileID(t, account)

	require.NoError(t, c.PutObjectMeta(t.Context(), "site", "releases/r1/app.js", []byte("one"),
		cloud.ObjectMeta{ContentType: "text/javascript", CacheControl: "no-cache"}))
	_, err := c.CopyObject(t.Context(), "site", "releases/r1/app.js", "site", "releases/r2/app.js")
	require.NoError(t, err)
	require.NoError(t, c.PutObject(t.Context(), "site", "releases/r1/app.js", []byte("two"), ""))
	_, err = c.DeletePrefix(t.Context(), "site", "releases/r1/")
	require.NoError(t, err)

	assert.Equal(t, before, fileID(t, account), "object writes must not rewrite account.json")
	objs, err := c.ListObjects(t.Context(), "site", "")
	require.NoError(t, err)
	require.Len(t, objs, 1)
	assert.Equal(t, "releases/r2/app.js", objs[0].Key)
	raw, err := os.ReadFile(account)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "releases/", "no object metadata in account.json")
}

func TestOpenAccountMovesObjectsOutOfAnOldAccountFileOnce(t *testing.T) {
	h := newHarness(t)
	h.create(bucketType, "site", pmap(map[string]any{"bucket": "site"}))
	// An account written before the object store: metadata in
	// account.json, bodies content-addressed under objects/.
	body := []byte("<h1>old</h1>")
	const sha = "6ef1e4e4e8f3e4bc2b3d2ac4d6d0f2d3b40d1bc3b6bd4c9d0b2f16c5ad3d0c81" // any name: bodies are looked up by it
	require.NoError(t, os.MkdirAll(filepath.Join(h.acct.Dir(), core.ObjectsDir), 0o700))
	require.NoError(t, os.WriteFile(h.acct.BlobPath(sha), body, 0o600))
	path := filepath.Join(h.acct.Dir(), core.AccountFile)
	var doc map[string]any
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &doc))
	doc["objects"] = map[string]any{"site": map[string]any{
		"releases/r1/index.html": map[string]any{"contentType": "text/html", "cacheControl": "no-cache",
			"size": len(body), "sha256": sha, "md5": "0123456789abcdef0123456789abcdef", "modified": "2026-01-02T03:04:05Z"},
		"releases/r1/gone.js": map[string]any{"contentType": "text/javascript", "size": len(body), "sha256": sha},
	}}
	raw, err = json.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, raw, 0o600))

	old, err := core.OpenAccount(h.acct.Dir())
	require.NoError(t, err)
	raw, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), `"objects"`, "migrated metadata leaves account.json")
	c := cloudOf(t, old)
	objs, err := c.ListObjects(t.Context(), "site", "releases/r1/")
	require.NoError(t, err)
	require.Len(t, objs, 2)
	assert.Equal(t, "releases/r1/index.html", objs[1].Key)
	assert.Equal(t, "0123456789abcdef0123456789abcdef", objs[1].ETag, "the ETag survives")
	err = old.View(func(st *core.State) error {
		o, got, ok, err := old.ReadObject(st, "site", "releases/r1/index.html")
		assert.True(t, ok)
		assert.Equal(t, body, got)
		assert.Equal(t, "no-cache", o.CacheControl)
		assert.Equal(t, "text/html", o.ContentType)
		return err
	})
	require.NoError(t, err)

	// Once: opening again does not bring back what was deleted since.
	_, err = c.DeletePrefix(t.Context(), "site", "releases/r1/gone")
	require.NoError(t, err)
	again, err := core.OpenAccount(h.acct.Dir())
	require.NoError(t, err)
	objs, err = cloudOf(t, again).ListObjects(t.Context(), "site", "")
	require.NoError(t, err)
	require.Len(t, objs, 1)
	assert.Equal(t, "releases/r1/index.html", objs[0].Key)
}

// forget drops this process's replayed index of bucket, so the next read
// starts from the file as another process would.
func forget(a *core.Account, bucket string) {
	core.Indexes.Lock()
	defer core.Indexes.Unlock()
	delete(core.Indexes.M, core.ObjectStore{Root: a.Dir()}.LogPath(bucket))
}

func keysOf(t *testing.T, a *core.Account, bucket string) []string {
	t.Helper()
	var keys []string
	require.NoError(t, a.View(func(st *core.State) error {
		ix, err := st.Objs.Index(bucket)
		if err == nil {
			keys = append([]string(nil), ix.Sorted()...)
		}
		return err
	}))
	return keys
}

// Another process's writes reach this one's replayed index: appends,
// rewrites (compaction) and a log deleted and made again, which may reuse
// the inode and be longer than what was read before.
func TestObjectIndexFollowsOtherWriters(t *testing.T) {
	h := newHarness(t)
	h.create(bucketType, "site", pmap(map[string]any{"bucket": "site"}))
	require.NoError(t, h.acct.PutObject("site", "a", []byte("a"), ""))
	assert.Equal(t, []string{"a"}, keysOf(t, h.acct, "site"))
	store := core.ObjectStore{Root: h.acct.Dir()}
	log := store.LogPath("site")

	f, err := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"k":"b","o":{"contentType":"","size":1,"sha256":"x"}}` + "\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	assert.Equal(t, []string{"a", "b"}, keysOf(t, h.acct, "site"), "an append")

	long := map[string]core.Object{}
	for _, k := range []string{"c", "d", "e", "f", "g", "h"} {
		long[k] = core.Object{SHA256: "x"}
	}
	require.NoError(t, store.Snapshot("site", long))
	assert.Equal(t, []string{"c", "d", "e", "f", "g", "h"}, keysOf(t, h.acct, "site"), "a rewrite")

	require.NoError(t, os.Remove(log))
	assert.Empty(t, keysOf(t, h.acct, "site"), "a deleted log")
	long["i"] = core.Object{SHA256: "x"}
	require.NoError(t, store.Snapshot("site", long))
	assert.Len(t, keysOf(t, h.acct, "site"), 7, "a log made again")
}

// A crash mid-append leaves half a line: readers skip it and the next
// write replaces it.
func TestObjectLogSurvivesAPartialLine(t *testing.T) {
	h := newHarness(t)
	h.create(bucketType, "site", pmap(map[string]any{"bucket": "site"}))
	require.NoError(t, h.acct.PutObject("site", "a", []byte("a"), ""))
	log := core.ObjectStore{Root: h.acct.Dir()}.LogPath("site")
	f, err := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"k":"half","o":{"conte`)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	forget(h.acct, "site")
	assert.Equal(t, []string{"a"}, keysOf(t, h.acct, "site"))

	require.NoError(t, h.acct.PutObject("site", "b", []byte("b"), ""))
	forget(h.acct, "site")
	assert.Equal(t, []string{"a", "b"}, keysOf(t, h.acct, "site"))
	raw, err := os.ReadFile(log)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "half")
}

// Overwrites and deletes leave dead lines; the log is rewritten before
// they outgrow the live objects, so it stays the size of the bucket.
func TestObjectLogIsCompacted(t *testing.T) {
	h := newHarness(t)
	h.create(bucketType, "site", pmap(map[string]any{"bucket": "site"}))
	require.NoError(t, h.acct.PutObject("site", "keep", []byte("k"), ""))
	var entries []core.LogEntry
	for range core.CompactSlack + 10 {
		entries = append(entries, core.LogEntry{Key: "churn", O: &core.Object{SHA256: "x"}}, core.LogEntry{Key: "churn"})
	}
	require.NoError(t, h.acct.UpdateObjects(func(st *core.State) error { return st.Objs.Write("site", entries...) }))
	raw, err := os.ReadFile(core.ObjectStore{Root: h.acct.Dir()}.LogPath("site"))
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(string(raw), "\n"), "the generation line and the one live object")
	forget(h.acct, "site")
	assert.Equal(t, []string{"keep"}, keysOf(t, h.acct, "site"))
}

// A listing reads only its prefix of the sorted keys, and pages through
// it with the marker S3 returns.
func TestListingByPrefixPages(t *testing.T) {
	h := newHarness(t)
	h.create(bucketType, "site", pmap(map[string]any{"bucket": "site"}))
	var entries []core.LogEntry
	for i := range 2500 {
		for _, p := range []string{"a/", "b/", "c/"} {
			entries = append(entries, core.LogEntry{Key: p + strings.Repeat("x", i%7) + string(rune('A'+i%26)) + itoa(i),
				O: &core.Object{MD5: "0123456789abcdef0123456789abcdef"}})
		}
	}
	require.NoError(t, h.acct.UpdateObjects(func(st *core.State) error { return st.Objs.Write("site", entries...) }))
	objs, err := h.cloud().ListObjects(t.Context(), "site", "b/")
	require.NoError(t, err)
	require.Len(t, objs, 2500, "three pages of b/, nothing of a/ or c/")
	for i, o := range objs {
		assert.True(t, strings.HasPrefix(o.Key, "b/"))
		if i > 0 {
			assert.Less(t, objs[i-1].Key, o.Key)
		}
	}
}

func itoa(i int) string {
	raw, _ := json.Marshal(i)
	return string(raw)
}

// The provider and the endpoint are two processes writing one account:
// objects written by both at once all land, and each sees the other's.
func TestTwoProcessesWriteObjectsOfOneAccount(t *testing.T) {
	if dir := os.Getenv("KIRIKAE_TEST_OBJECT_WRITER"); dir != "" {
		acct, err := core.OpenAccount(dir)
		require.NoError(t, err)
		for i := range 100 {
			require.NoError(t, acct.PutObject("site", "theirs/"+itoa(i), []byte("t"+itoa(i)), ""))
		}
		return
	}
	h := newHarness(t)
	h.create(bucketType, "site", pmap(map[string]any{"bucket": "site"}))
	cmd := exec.Command(os.Args[0], "-test.run", "^TestTwoProcessesWriteObjectsOfOneAccount$", "-test.count=1")
	cmd.Env = append(os.Environ(), "KIRIKAE_TEST_OBJECT_WRITER="+h.acct.Dir())
	require.NoError(t, cmd.Start())
	for i := range 100 {
		require.NoError(t, h.acct.PutObject("site", "mine/"+itoa(i), []byte("m"+itoa(i)), ""))
	}
	require.NoError(t, cmd.Wait())
	keys := keysOf(t, h.acct, "site")
	forget(h.acct, "site")
	assert.Equal(t, keys, keysOf(t, h.acct, "site"), "the replayed index matches the log")
	assert.Len(t, keys, 200)
	blobs, err := os.ReadDir(filepath.Join(h.acct.Dir(), core.ObjectsDir))
	require.NoError(t, err)
	assert.Len(t, blobs, 200)
}

// Promote copies staging's objects into product's bucket: a copy from a
// bucket of another account of the sandbox (a sibling state directory)
// reads that account's object store, as its bucket policy allows.
func TestCopyObjectFromAnotherAccount(t *testing.T) {
	sharedRegistry(t)
	root := t.TempDir()
	staging := newHarnessAt(t, filepath.Join(root, "staging"))
	product := newHarnessAt(t, filepath.Join(root, "product"))
	staging.create(bucketType, "site", pmap(map[string]any{"bucket": "staging-site"}))
	product.create(bucketType, "site", pmap(map[string]any{"bucket": "product-site"}))
	// Another account reads the bucket only when its policy says so
	// (kirikae:frontendReadAccounts writes this grant).
	staging.create("aws:s3/bucketPolicy:BucketPolicy", "site", pmap(map[string]any{"bucket": "staging-site",
		"policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + product.acct.ID() +
			`:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::staging-site/releases/*"}]}`}))
	require.NoError(t, staging.cloud().PutObjectMeta(t.Context(), "staging-site", "releases/r1/index.html", []byte("<h1>r1</h1>"),
		cloud.ObjectMeta{ContentType: "text/html", CacheControl: "no-cache"}))

	etag, err := product.cloud().CopyObject(t.Context(), "staging-site", "releases/r1/index.html", "product-site", "releases/r1/index.html")
	require.NoError(t, err)
	objs, err := staging.cloud().ListObjects(t.Context(), "staging-site", "")
	require.NoError(t, err)
	require.Len(t, objs, 1)
	assert.Equal(t, objs[0].ETag, etag)
	require.NoError(t, product.acct.View(func(st *core.State) error {
		o, body, ok, err := product.acct.ReadObject(st, "product-site", "releases/r1/index.html")
		assert.True(t, ok)
		assert.Equal(t, "<h1>r1</h1>", string(body))
		assert.Equal(t, "no-cache", o.CacheControl)
		return err
	}))
}
