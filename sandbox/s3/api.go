package s3

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/johannesboyne/gofakes3"

	"github.com/kirikae/kirikae/sandbox/core"
)

// S3Handler serves S3 with gofakes3 over the account's object store, so
// objects uploaded through the S3 API are the ones CloudFront serves and the
// other way round. Path-style addressing only: http://endpoint/bucket/key.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html#path-style-access
//
// buckets are served from their directories instead (dirbucket.go).
func S3Handler(a *core.Account, buckets ...DirBucket) http.Handler {
	h := withDirBuckets(buckets, withBucketPolicies(a, withObjectVersions(a, gofakes3.New(&s3Backend{acct: a}, gofakes3.WithoutVersioning()).Server())))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// gofakes3 keeps only x-amz-* and content headers as metadata; S3
		// also stores Cache-Control, so it travels under a private name.
		// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
		if cc := r.Header.Get("Cache-Control"); cc != "" && r.Method == http.MethodPut {
			r.Header.Set(cacheControlMeta, cc)
		}
		h.ServeHTTP(w, r)
	})
}

// cacheControlMeta carries Cache-Control through gofakes3.
const cacheControlMeta = "X-Amz-Kirikae-Cache-Control"

// cacheControlOf reads the Cache-Control gofakes3 handed the backend:
// from a PUT, or merged from the source object of a copy.
func cacheControlOf(meta map[string]string) string {
	if cc := meta[cacheControlMeta]; cc != "" {
		return cc
	}
	return meta["Cache-Control"]
}

// s3Backend is gofakes3.Backend over the simulated account. Buckets belong
// to the Pulumi program: the S3 API lists and fills them but does not create
// or delete them.
type s3Backend struct{ acct *core.Account }

var _ gofakes3.Backend = (*s3Backend)(nil)

// s3Err hands gofakes3 its own error type, which it finds by type assertion
// only, so wrapped errors would all become InternalError.
func s3Err(err error) error {
	var coded interface{ ErrorCode() gofakes3.ErrorCode }
	if errors.As(err, &coded) {
		return coded.(error)
	}
	return err
}

func (b *s3Backend) ListBuckets() ([]gofakes3.BucketInfo, error) {
	var out []gofakes3.BucketInfo
	err := b.acct.View(func(st *core.State) error {
		for _, r := range st.Resources {
			if r.Type == core.TokBucket {
				out = append(out, gofakes3.BucketInfo{Name: r.ID, CreationDate: gofakes3.NewContentTime(core.FixedTimeValue())})
			}
		}
		return nil
	})
	return out, err
}

// etag is S3's ETag for a single-part upload: the MD5 of the body.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html
func (b *s3Backend) etag(o core.Object) []byte {
	if sum, err := hex.DecodeString(o.MD5); err == nil && len(sum) > 0 {
		return sum
	}
	sum, _ := hex.DecodeString(o.SHA256) // objects stored before MD5 was kept
	return sum[:16]
}

func (b *s3Backend) ListBucket(name string, prefix *gofakes3.Prefix, page gofakes3.ListBucketPage) (*gofakes3.ObjectList, error) {
	if prefix == nil {
		prefix = &gofakes3.Prefix{}
	}
	out := gofakes3.NewObjectList()
	err := b.acct.View(func(st *core.State) error {
		if err := st.NeedBucketNamed(name); err != nil {
			return err
		}
		ix, err := st.Objs.Index(name)
		if err != nil {
			return err
		}
		// Keys are sorted, so the listing starts at the prefix and ends
		// at the first key past it: a page costs its own keys, not the
		// bucket's.
		start := prefix.Prefix
		if page.HasMarker && page.Marker > start {
			start = page.Marker
		}
		keys := ix.From(start)
		if prefix.HasPrefix {
			end := sort.Search(len(keys), func(i int) bool { return !strings.HasPrefix(keys[i], prefix.Prefix) })
			keys = keys[:end]
		}
		out = listPage(keys, prefix, page, func(key string) *gofakes3.Content {
			o := ix.Objs[key]
			return &gofakes3.Content{Key: key, LastModified: gofakes3.NewContentTime(core.Modified(o)),
				ETag: gofakes3.FormatETag(b.etag(o)), Size: int64(o.Size), StorageClass: "STANDARD"}
		})
		return nil
	})
	return out, s3Err(err)
}

// listPage is one page of a ListObjects over sorted keys: keys under
// prefix, those sharing the part up to the delimiter rolled into one
// CommonPrefix, at most page.MaxKeys entries after page.Marker.
// content describes an object (nil: gone since the keys were read).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
func listPage(keys []string, prefix *gofakes3.Prefix, page gofakes3.ListBucketPage, content func(key string) *gofakes3.Content) *gofakes3.ObjectList {
	out := gofakes3.NewObjectList()
	var match gofakes3.PrefixMatch
	var n int64
	for i, key := range keys {
		if page.HasMarker && key <= page.Marker {
			continue
		}
		if !prefix.Match(key, &match) {
			continue
		}
		if match.CommonPrefix {
			out.AddPrefix(match.MatchedPart)
		} else if c := content(key); c != nil {
			out.Add(c)
		} else {
			continue
		}
		n++
		if page.MaxKeys > 0 && n >= page.MaxKeys && i < len(keys)-1 {
			out.NextMarker, out.IsTruncated = key, true
			break
		}
	}
	return out
}

var errBucketsByProgram = gofakes3.ErrorMessage(gofakes3.ErrNotImplemented,
	"the kirikae sandbox creates and deletes buckets only through the Pulumi program (kirikae up / destroy)")

func (b *s3Backend) CreateBucket(string) error      { return errBucketsByProgram }
func (b *s3Backend) DeleteBucket(string) error      { return errBucketsByProgram }
func (b *s3Backend) ForceDeleteBucket(string) error { return errBucketsByProgram }

func (b *s3Backend) BucketExists(name string) (bool, error) {
	exists := false
	err := b.acct.View(func(st *core.State) error {
		exists = st.NeedBucketNamed(name) == nil
		return nil
	})
	return exists, err
}

func (b *s3Backend) read(bucket, key string, rng *gofakes3.ObjectRangeRequest, head bool) (*gofakes3.Object, error) {
	var obj *gofakes3.Object
	owner := b.acct
	if exists, err := b.BucketExists(bucket); err != nil || !exists {
		if owner, err = bucketOwner(b.acct, bucket); err != nil {
			return nil, s3Err(err)
		}
	}
	err := owner.View(func(st *core.State) error {
		if err := st.NeedBucketNamed(bucket); err != nil {
			return err
		}
		o, body, ok, err := owner.ReadObject(st, bucket, key)
		if err != nil {
			return err
		}
		if !ok {
			return gofakes3.KeyNotFound(key)
		}
		r, err := rng.Range(int64(len(body)))
		if err != nil {
			return err
		}
		if r != nil {
			body = body[r.Start : r.Start+r.Length]
		}
		if head {
			body = nil
		}
		meta := map[string]string{
			"Content-Type":  core.ContentType(o),
			"Last-Modified": core.Modified(o).Format(http.TimeFormat),
		}
		if o.CacheControl != "" {
			meta["Cache-Control"] = o.CacheControl
		}
		obj = &gofakes3.Object{
			Name: key, Size: int64(o.Size), Hash: b.etag(o), Range: r,
			Metadata: meta,
			Contents: io.NopCloser(bytes.NewReader(body)),
		}
		return nil
	})
	return obj, s3Err(err)
}

func (b *s3Backend) GetObject(bucket, key string, rng *gofakes3.ObjectRangeRequest) (*gofakes3.Object, error) {
	return b.read(bucket, key, rng, false)
}

func (b *s3Backend) HeadObject(bucket, key string) (*gofakes3.Object, error) {
	return b.read(bucket, key, nil, true)
}

func (b *s3Backend) DeleteObject(bucket, key string) (gofakes3.ObjectDeleteResult, error) {
	return gofakes3.ObjectDeleteResult{}, s3Err(b.acct.DeleteObjects(bucket, key))
}

func (b *s3Backend) DeleteMulti(bucket string, keys ...string) (gofakes3.MultiDeleteResult, error) {
	var res gofakes3.MultiDeleteResult
	if err := b.acct.DeleteObjects(bucket, keys...); err != nil {
		return res, s3Err(err)
	}
	for _, k := range keys {
		res.Deleted = append(res.Deleted, gofakes3.ObjectID{Key: k})
	}
	return res, nil
}

func (b *s3Backend) PutObject(bucket, key string, meta map[string]string, input io.Reader, size int64, cond *gofakes3.PutConditions) (gofakes3.PutObjectResult, error) {
	body, err := gofakes3.ReadAll(input, size)
	if err != nil {
		return gofakes3.PutObjectResult{}, err
	}
	if cond != nil {
		cur, err := b.HeadObject(bucket, key)
		info := &gofakes3.ConditionalObjectInfo{Exists: err == nil}
		if cur != nil {
			info.Hash = cur.Hash
			_ = cur.Contents.Close()
		}
		if err := gofakes3.CheckPutConditions(cond, info); err != nil {
			return gofakes3.PutObjectResult{}, err
		}
	}
	return gofakes3.PutObjectResult{}, s3Err(b.acct.PutObjectMeta(bucket, key, body,
		core.Object{ContentType: meta["Content-Type"], CacheControl: cacheControlOf(meta)}))
}

func (b *s3Backend) CopyObject(srcBucket, srcKey, dstBucket, dstKey string, meta map[string]string) (gofakes3.CopyObjectResult, error) {
	// gofakes3 merged the source's metadata into meta unless the request
	// replaced it.
	want := core.Object{ContentType: meta["Content-Type"], CacheControl: cacheControlOf(meta)}
	o, local, err := b.acct.CopyObject(srcBucket, srcKey, dstBucket, dstKey, want)
	if err != nil {
		return gofakes3.CopyObjectResult{}, s3Err(err)
	}
	if local {
		return gofakes3.CopyObjectResult{ETag: gofakes3.FormatETag(b.etag(o)), LastModified: gofakes3.NewContentTime(core.Modified(o))}, nil
	}
	src, err := b.GetObject(srcBucket, srcKey, nil) // from another account of the sandbox
	if err != nil {
		return gofakes3.CopyObjectResult{}, err
	}
	defer src.Contents.Close()
	body, err := io.ReadAll(src.Contents)
	if err != nil {
		return gofakes3.CopyObjectResult{}, err
	}
	if want.ContentType == "" {
		want.ContentType = src.Metadata["Content-Type"]
	}
	if err := b.acct.PutObjectMeta(dstBucket, dstKey, body, want); err != nil {
		return gofakes3.CopyObjectResult{}, s3Err(err)
	}
	return gofakes3.CopyObjectResult{ETag: gofakes3.FormatETag(src.Hash), LastModified: gofakes3.NewContentTime(time.Now())}, nil
}
