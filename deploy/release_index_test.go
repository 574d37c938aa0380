package deploy

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/backend"
)

// countingStore counts the objects read through it.
type countingStore struct {
	backend.Store
	gets atomic.Int64
}

func (c *countingStore) Get(ctx context.Context, key string) ([]byte, error) {
	c.gets.Add(1)
	return c.Store.Get(ctx, key)
}

func testLog(t *testing.T) (releaseLog, *countingStore) {
	t.Helper()
	st, err := backend.Open(context.Background(), "file://"+t.TempDir())
	require.NoError(t, err)
	cs := &countingStore{Store: st}
	return releaseLog{store: cs, dir: "releases/kirikae/staging/"}, cs
}

func record(tag string) Release {
	return Release{Stack: "staging", ImageTag: tag, Values: Values{Image: Image{Tag: tag}}, Kind: KindDeploy, Verified: VerifyPassed}
}

func ids(rels []Release) []int {
	var out []int
	for _, r := range rels {
		out = append(out, r.ID)
	}
	return out
}

func descending(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = n - i
	}
	return out
}

// Listing releases reads the same number of objects after 200 releases as
// after 2: the newest index, not one record per release.
func TestReleaseListReadsConstantObjects(t *testing.T) {
	ctx := context.Background()
	log, cs := testLog(t)
	readsAt := map[int]int64{}
	for i := 1; i <= 200; i++ {
		_, err := log.append(ctx, record(fmt.Sprintf("v%d", i)))
		require.NoError(t, err)
		if i == 2 || i == 200 {
			cs.gets.Store(0)
			rels, err := log.list(ctx)
			require.NoError(t, err)
			readsAt[i] = cs.gets.Load()
			require.Equal(t, descending(i), ids(rels))
			assert.Equal(t, fmt.Sprintf("v%d", i), rels[0].ImageTag)
			assert.Equal(t, "v1", rels[i-1].ImageTag)
		}
	}
	assert.Equal(t, int64(1), readsAt[200], "one index object")
	assert.Equal(t, readsAt[2], readsAt[200])
	// Old indexes are pruned: one stays.
	keys, err := log.store.List(ctx, log.dir+indexDir)
	require.NoError(t, err)
	assert.Len(t, keys, 1)
}

// Records the index does not cover yet (a writer whose index write failed
// or lost a race, an older kirikae, a missing index) are read from the
// records themselves: the index never hides a release, and the reader
// writes a fresh index so the next one reads one object again.
func TestReleaseIndexNeverHidesARelease(t *testing.T) {
	ctx := context.Background()
	log, cs := testLog(t)
	for i := 1; i <= 3; i++ {
		_, err := log.append(ctx, record(fmt.Sprintf("v%d", i)))
		require.NoError(t, err)
	}
	// Records 4..40 written without touching the index.
	for id := 4; id <= 40; id++ {
		require.NoError(t, log.store.Create(ctx, log.key(id), []byte(fmt.Sprintf(`{"stack":"staging","imageTag":"v%d","kind":"deploy","verified":"passed"}`, id))))
	}
	rels, err := log.list(ctx)
	require.NoError(t, err)
	require.Equal(t, descending(40), ids(rels))
	assert.Equal(t, "v40", rels[0].ImageTag)
	cs.gets.Store(0)
	rels, err = log.list(ctx)
	require.NoError(t, err)
	require.Equal(t, descending(40), ids(rels))
	assert.Equal(t, int64(1), cs.gets.Load(), "the first reader rebuilt the index")

	// No index at all: rebuilt from the records.
	keys, err := log.store.List(ctx, log.dir+indexDir)
	require.NoError(t, err)
	for _, k := range keys {
		raw, err := log.store.Get(ctx, k)
		require.NoError(t, err)
		require.NoError(t, log.store.DeleteIf(ctx, k, raw))
	}
	rels, err = log.list(ctx)
	require.NoError(t, err)
	require.Equal(t, descending(40), ids(rels))

	// An index newer than every record (records lost) is not trusted,
	// and an unreadable one is skipped.
	require.NoError(t, log.store.Create(ctx, log.indexKey(99), []byte(`{"latest":99,"releases":[{"id":99}]}`)))
	rels, err = log.list(ctx)
	require.NoError(t, err)
	require.Equal(t, descending(40), ids(rels))
}

// Two writers recording at once: every release is listed once, whatever
// order their index writes land in.
func TestReleaseIndexTwoWriters(t *testing.T) {
	ctx := context.Background()
	log, _ := testLog(t)
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 15 {
				_, err := log.append(ctx, record(fmt.Sprintf("w%d-%d", w, i)))
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	rels, err := log.list(ctx)
	require.NoError(t, err)
	require.Equal(t, descending(30), ids(rels))
	tags := map[string]bool{}
	for _, r := range rels {
		tags[r.ImageTag] = true
		assert.True(t, strings.HasPrefix(r.ImageTag, "w"))
	}
	assert.Len(t, tags, 30, "each release once")
}
