package sandbox

import (
	"context"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/iam"
)

// A bucket kept in a directory (a team's state bucket) answers as S3:
// objects are its files, a listing pages and groups by delimiter, a
// conditional PUT (If-None-Match: *) succeeds for one writer of many
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html),
// a conditional DELETE removes only the object whose ETag it names, and a
// role's request is authorised as for any other bucket.
func TestADirectoryBucketAnswersAsS3(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	policy, err := iam.Parse([]byte(`{"Version": "2012-10-17", "Statement": [
		{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::team-state", "arn:aws:s3:::team-state/*"]}]}`))
	require.NoError(t, err)
	var roles iam.Directory
	require.NoError(t, roles.Bind("AKIAREADERROLE000000", "reader-secret", "kirikae",
		&iam.Role{Name: "reader", Account: h.acct.ID(), Policies: []iam.Document{policy}}))
	srv := httptest.NewServer(APIHandlerWith(h.acct, &roles, DirBucket{Name: "team-state", Dir: dir}))
	t.Cleanup(srv.Close)
	client := func(key, secret string) *s3.Client {
		return s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
			Credentials: credentials.NewStaticCredentialsProvider(key, secret, "")})
	}
	admin, reader := client(core.AccessKeyID, core.SecretAccessKey), client("AKIAREADERROLE000000", "reader-secret")
	ctx := context.Background()
	put := func(key, body string, ifNoneMatch bool) error {
		in := &s3.PutObjectInput{Bucket: aws.String("team-state"), Key: aws.String(key), Body: strings.NewReader(body)}
		if ifNoneMatch {
			in.IfNoneMatch = aws.String("*")
		}
		_, err := admin.PutObject(ctx, in)
		return err
	}

	require.NoError(t, put(".pulumi/stacks/p/staging.json", `{"v":1}`, false))
	raw, err := os.ReadFile(filepath.Join(dir, ".pulumi", "stacks", "p", "staging.json"))
	require.NoError(t, err)
	assert.Equal(t, `{"v":1}`, string(raw), "the object is the file at its key")

	out, err := reader.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("team-state"), Key: aws.String(".pulumi/stacks/p/staging.json")})
	require.NoError(t, err)
	body, _ := io.ReadAll(out.Body)
	assert.Equal(t, `{"v":1}`, string(body))
	_, err = reader.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("team-state"), Key: aws.String(".pulumi/stacks/p/product.json")})
	assert.ErrorContains(t, err, "NoSuchKey")

	require.NoError(t, put(".kirikae/locks/p/staging.json", "a", false))
	list, err := reader.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("team-state"), Prefix: aws.String(".pulumi/"), Delimiter: aws.String("/")})
	require.NoError(t, err)
	require.Len(t, list.CommonPrefixes, 1)
	assert.Equal(t, ".pulumi/stacks/", aws.ToString(list.CommonPrefixes[0].Prefix))

	// A prefix that ends inside a key's name lists from that key's
	// directory (only that directory is walked); one under no directory
	// lists nothing.
	for prefix, want := range map[string]int{".pulumi/stacks/p/stag": 1, ".pulumi/stacks/p/": 1, "nope/x": 0, ".kirikae/": 1, "": 2} {
		list, err := reader.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("team-state"), Prefix: aws.String(prefix)})
		require.NoError(t, err)
		assert.Len(t, list.Contents, want, "prefix %q", prefix)
	}

	// A role's write is authorised: the reader may not.
	_, err = reader.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("team-state"), Key: aws.String(".kirikae/locks/p/product.json"), Body: strings.NewReader("x")})
	assert.ErrorContains(t, err, "is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::team-state/.kirikae/locks/p/product.json")
	assert.NoFileExists(t, filepath.Join(dir, ".kirikae", "locks", "p", "product.json"))

	// Eight writers race for one key with If-None-Match: one wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, refused := 0, 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := put(".kirikae/releases/p/staging/00001.json", strings.Repeat("w", i+1), true)
			mu.Lock()
			defer mu.Unlock()
			var apiErr smithy.APIError
			switch {
			case err == nil:
				won++
			case assert.ErrorAs(t, err, &apiErr) && apiErr.ErrorCode() == "PreconditionFailed":
				refused++
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, won, "one conditional writer wins")
	assert.Equal(t, 7, refused, "the others get 412 PreconditionFailed")

	// A conditional delete with another object's ETag deletes nothing.
	head, err := admin.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("team-state"), Key: aws.String(".kirikae/locks/p/staging.json")})
	require.NoError(t, err)
	_, err = admin.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("team-state"), Key: aws.String(".kirikae/locks/p/staging.json"), IfMatch: aws.String(`"0123456789abcdef0123456789abcdef"`)})
	assert.ErrorContains(t, err, "PreconditionFailed")
	assert.FileExists(t, filepath.Join(dir, ".kirikae", "locks", "p", "staging.json"))
	_, err = admin.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("team-state"), Key: aws.String(".kirikae/locks/p/staging.json"), IfMatch: head.ETag})
	require.NoError(t, err)
	assert.NoFileExists(t, filepath.Join(dir, ".kirikae", "locks", "p", "staging.json"))

	_, err = admin.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("team-state"), Key: aws.String("../outside")})
	assert.Error(t, err, "a key never leaves the directory")
}
