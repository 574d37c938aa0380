package backend_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/backend"
	"github.com/kirikae/kirikae/backend/backendtest"
)

// contract runs the behaviour every store must have.
func contract(t *testing.T, st backend.Store) {
	ctx := context.Background()
	_, err := st.Get(ctx, "releases/p/s/1.json")
	assert.ErrorIs(t, err, backend.ErrNotFound)

	require.NoError(t, st.Create(ctx, "releases/p/s/1.json", []byte(`{"a":1}`)))
	require.NoError(t, st.Create(ctx, "releases/p/s/2.json", []byte(`{"a":2}`)))
	require.NoError(t, st.Create(ctx, "releases/p/other/1.json", []byte(`x`)))
	got, err := st.Get(ctx, "releases/p/s/1.json")
	require.NoError(t, err)
	assert.JSONEq(t, `{"a":1}`, string(got))
	err = st.Create(ctx, "releases/p/s/1.json", []byte(`{"a":"overwritten"}`))
	assert.ErrorIs(t, err, backend.ErrExists, "a record is written once")
	got, err = st.Get(ctx, "releases/p/s/1.json")
	require.NoError(t, err)
	assert.JSONEq(t, `{"a":1}`, string(got), "the first write stays")

	keys, err := st.List(ctx, "releases/p/s/")
	require.NoError(t, err)
	assert.Equal(t, []string{"releases/p/s/1.json", "releases/p/s/2.json"}, keys, "only that prefix, sorted")
	none, err := st.List(ctx, "releases/nothing/")
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestFileStore(t *testing.T) {
	dir := t.TempDir()
	st, err := backend.Open(context.Background(), "file://"+dir)
	require.NoError(t, err)
	contract(t, st)
	assert.Equal(t, "file://"+dir, st.Location())

	info, err := os.Stat(filepath.Join(dir, ".kirikae", "releases"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), info.Mode().Perm(), "records are private")
}

// TestFileStoreCreateNeverOverwrites races writers on one key: exactly one
// wins and its content is what a reader sees.
func TestFileStoreCreateNeverOverwrites(t *testing.T) {
	st, err := backend.Open(context.Background(), "file://"+t.TempDir())
	require.NoError(t, err)
	const writers = 16
	var wg sync.WaitGroup
	results := make([]error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = st.Create(context.Background(), "releases/p/s/0000000001.json", fmt.Appendf(nil, "writer %d", i))
		}()
	}
	wg.Wait()
	won := -1
	for i, err := range results {
		if err == nil {
			require.Equal(t, -1, won, "two writers won")
			won = i
			continue
		}
		assert.True(t, errors.Is(err, backend.ErrExists), "loser %d: %v", i, err)
	}
	require.NotEqual(t, -1, won)
	got, err := st.Get(context.Background(), "releases/p/s/0000000001.json")
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("writer %d", won), string(got))
	keys, err := st.List(context.Background(), "releases/")
	require.NoError(t, err)
	assert.Len(t, keys, 1, "no temporary files are listed")
}

func TestS3StoreOverGofakes3(t *testing.T) {
	st, client := backendtest.S3(t)
	contract(t, st)
	assert.Equal(t, "s3://team-state/kirikae", st.Location())
	// Records sit beside Pulumi's .pulumi/ under the same prefix.
	out, err := client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String("team-state")})
	require.NoError(t, err)
	require.NotEmpty(t, out.Contents)
	assert.Equal(t, "kirikae/.kirikae/releases/p/other/1.json", aws.ToString(out.Contents[0].Key))
}

func TestOpenParsesBackendURLs(t *testing.T) {
	ctx := context.Background()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	st, err := backend.Open(ctx, "s3://bucket/team/prefix?region=eu-west-1&endpoint=http://127.0.0.1:9")
	require.NoError(t, err)
	assert.Equal(t, "s3://bucket/team/prefix", st.Location())

	for _, bad := range []string{"zz://nope", "https://api.pulumi.com", "s3://", "file://", "::"} {
		_, err := backend.Open(ctx, bad)
		var ue *backend.UnsupportedError
		require.ErrorAs(t, err, &ue, bad)
		assert.True(t, ue.BadInput())
		assert.Contains(t, err.Error(), "file://DIR and s3://BUCKET", bad)
	}
	_, err = backend.Open(ctx, "zz://user:pa55w0rd@host/x")
	assert.NotContains(t, err.Error(), "pa55w0rd", "a backend URL's password is never printed")
}

// OpenWithFiles gives the records store and the backend's whole key space
// of one URL: a record written through the first is read through the
// second under .kirikae/, for file:// and s3:// alike.
func TestOpenWithFilesSharesOneBackend(t *testing.T) {
	_, client := backendtest.S3(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	urls := []string{
		"file://" + t.TempDir(),
		"s3://" + backendtest.Bucket + "/" + backendtest.Prefix + "?region=us-east-1&endpoint=" + aws.ToString(client.Options().BaseEndpoint),
	}
	for _, u := range urls {
		records, files, err := backend.OpenWithFiles(context.Background(), u)
		require.NoError(t, err, u)
		require.NoError(t, records.Create(context.Background(), "releases/p/s/1.json", []byte("one")))
		got, err := files.Get(context.Background(), ".kirikae/releases/p/s/1.json")
		require.NoError(t, err, u)
		assert.Equal(t, "one", string(got))
		keys, err := files.List(context.Background(), ".kirikae/")
		require.NoError(t, err)
		assert.Equal(t, []string{".kirikae/releases/p/s/1.json"}, keys, u)
	}
}
