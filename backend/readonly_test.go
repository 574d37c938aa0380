package backend

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadOnlyStoreReadsAndRefusesWrites(t *testing.T) {
	ctx := context.Background()
	st := newFileStore(t.TempDir())
	require.NoError(t, st.Create(ctx, "releases/p/s/1.json", []byte("r1")))
	ro := ReadOnly(st)

	got, err := ro.Get(ctx, "releases/p/s/1.json")
	require.NoError(t, err)
	assert.Equal(t, []byte("r1"), got)
	keys, err := ro.List(ctx, "releases/")
	require.NoError(t, err)
	assert.Equal(t, []string{"releases/p/s/1.json"}, keys)

	var refused *ReadOnlyError
	require.ErrorAs(t, ro.Create(ctx, "locks/p/s.json", []byte("me")), &refused)
	assert.Equal(t, "locks/p/s.json", refused.Key)
	require.ErrorAs(t, ro.DeleteIf(ctx, "releases/p/s/1.json", []byte("r1")), &refused)
	_, err = AcquireLock(ctx, ro, "locks/p/s.json", LockInfo{Op: "preview"})
	require.ErrorAs(t, err, &refused)

	_, err = st.Get(ctx, "locks/p/s.json")
	assert.ErrorIs(t, err, ErrNotFound, "nothing was written")
	_, err = st.Get(ctx, "releases/p/s/1.json")
	assert.NoError(t, err, "nothing was deleted")
}
