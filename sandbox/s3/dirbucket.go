package s3

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/johannesboyne/gofakes3"

	"github.com/kirikae/kirikae/sandbox/core"
)

// A bucket kept in a directory: a team's state bucket, which exists before
// any stack and belongs to no stack's program (the Pulumi DIY backend's
// bucket: https://www.pulumi.com/docs/iac/concepts/state-and-backends/#aws-s3).
// Each object is a file at its key's path, so the directory is also a
// valid file:// backend. Several processes serve one directory at once
// (a deploy and a preview, two racing deploys), so every write is atomic
// on the file system, as S3's are: a reader sees an object whole or not at
// all (https://docs.aws.amazon.com/AmazonS3/latest/userguide/Welcome.html#ConsistencyModel),
// a conditional PUT (If-None-Match: *) succeeds for one writer only and a
// conditional DELETE (If-Match) removes only the object it names
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-requests.html).
// Neither versioning nor multipart uploads are served: a state object is a
// single PUT far under the 5 GB single-part limit.

// DirBucket names a bucket and the directory that holds its objects.
type DirBucket struct {
	Name string
	Dir  string
}

// dirTemp starts the names of objects being written; they are not objects
// yet, so listings skip them.
const dirTemp = ".sandbox-s3-tmp-"

// withDirBuckets serves requests addressed to one of buckets from its
// directory and every other request with next.
func withDirBuckets(buckets []DirBucket, next http.Handler) http.Handler {
	if len(buckets) == 0 {
		return next
	}
	by := map[string]http.Handler{}
	for _, b := range buckets {
		d := &dirBackend{name: b.Name, dir: b.Dir}
		by[b.Name] = d.handler(gofakes3.New(d, gofakes3.WithoutVersioning()).Server())
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bucket, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if h, ok := by[bucket]; ok {
			h.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// dirBackend is gofakes3.Backend over one directory.
type dirBackend struct{ name, dir string }

var _ gofakes3.Backend = (*dirBackend)(nil)

// handler answers a DELETE with If-Match itself: gofakes3 ignores the
// header, and S3 deletes only when the ETag matches (412 otherwise).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html#API_DeleteObject_RequestSyntax
func (d *dirBackend) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		match := r.Header.Get("If-Match")
		_, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if r.Method != http.MethodDelete || match == "" || key == "" {
			next.ServeHTTP(w, r)
			return
		}
		if err := d.deleteIfMatch(key, strings.Trim(match, `"`)); err != nil {
			core.WriteError(w, r, core.ProtoS3, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// path is the file of key, refusing keys that leave the directory.
func (d *dirBackend) path(key string) (string, error) {
	clean := filepath.Clean(filepath.FromSlash(key))
	if key == "" || filepath.IsAbs(clean) || clean == "." || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", gofakes3.KeyNotFound(key)
	}
	return filepath.Join(d.dir, clean), nil
}

func (d *dirBackend) need(bucket string) error {
	if bucket != d.name {
		return gofakes3.BucketNotFound(bucket)
	}
	return nil
}

func (d *dirBackend) ListBuckets() ([]gofakes3.BucketInfo, error) {
	return []gofakes3.BucketInfo{{Name: d.name, CreationDate: gofakes3.NewContentTime(core.FixedTimeValue())}}, nil
}

func (d *dirBackend) BucketExists(name string) (bool, error) { return name == d.name, nil }

func (d *dirBackend) CreateBucket(name string) error {
	return gofakes3.ResourceError(gofakes3.ErrBucketAlreadyExists, name)
}

func (d *dirBackend) DeleteBucket(name string) error {
	return gofakes3.ResourceError(gofakes3.ErrBucketNotEmpty, name)
}

func (d *dirBackend) ForceDeleteBucket(name string) error { return d.DeleteBucket(name) }

// keys lists the keys that start with prefix, sorted (S3 lists in UTF-8
// binary order). Only the directory the prefix names is walked: the
// state bucket's history grows with every update, and Pulumi and kirikae
// list one stack's keys at a time.
func (d *dirBackend) keys(prefix string) ([]string, error) {
	root := d.dir
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		if _, err := d.path(prefix[:i]); err != nil {
			return nil, nil
		}
		root = filepath.Join(d.dir, filepath.FromSlash(prefix[:i]))
	}
	var keys []string
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if e.IsDir() || strings.HasPrefix(e.Name(), dirTemp) {
			return nil
		}
		rel, err := filepath.Rel(d.dir, p)
		if err != nil {
			return err
		}
		if key := filepath.ToSlash(rel); strings.HasPrefix(key, prefix) {
			keys = append(keys, key)
		}
		return nil
	})
	sort.Strings(keys)
	return keys, err
}

func (d *dirBackend) ListBucket(name string, prefix *gofakes3.Prefix, page gofakes3.ListBucketPage) (*gofakes3.ObjectList, error) {
	if err := d.need(name); err != nil {
		return nil, err
	}
	if prefix == nil {
		prefix = &gofakes3.Prefix{}
	}
	keys, err := d.keys(prefix.Prefix)
	if err != nil {
		return nil, err
	}
	return listPage(keys, prefix, page, func(key string) *gofakes3.Content {
		sum, st, err := fileMD5(filepath.Join(d.dir, filepath.FromSlash(key)))
		if err != nil {
			return nil // deleted since the walk
		}
		return &gofakes3.Content{Key: key, LastModified: gofakes3.NewContentTime(st.ModTime()),
			ETag: gofakes3.FormatETag(sum), Size: st.Size()}
	}), nil
}

// fileMD5 is the ETag of the object in file p, and the file's details. A
// listing names every object's ETag, so the sums are kept by file, size
// and modification time: an object is only ever replaced whole, by a new
// file written after it and renamed over it.
func fileMD5(p string) ([]byte, os.FileInfo, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, nil, err
	}
	key := md5Key{path: p, size: st.Size(), mod: st.ModTime().UnixNano()}
	md5Mu.Lock()
	sum, ok := md5Cache[key]
	md5Mu.Unlock()
	if ok {
		return sum, st, nil
	}
	raw, err := os.ReadFile(p)
	if err != nil {
		return nil, nil, err
	}
	full := md5.Sum(raw)
	sum = full[:]
	if int64(len(raw)) == key.size {
		md5Mu.Lock()
		if len(md5Cache) > 100000 {
			clear(md5Cache)
		}
		md5Cache[key] = sum
		md5Mu.Unlock()
	}
	return sum, st, nil
}

type md5Key struct {
	path      string
	size, mod int64
}

var (
	md5Mu    sync.Mutex
	md5Cache = map[md5Key][]byte{}
)

func (d *dirBackend) read(bucket, key string) ([]byte, error) {
	if err := d.need(bucket); err != nil {
		return nil, err
	}
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) || isDirErr(err) {
		return nil, gofakes3.KeyNotFound(key)
	}
	return raw, err
}

// isDirErr: a key that names a directory (a "folder" of other keys) is
// no object.
func isDirErr(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "directory")
}

func (d *dirBackend) object(key string, raw []byte, rng *gofakes3.ObjectRangeRequest, body bool) (*gofakes3.Object, error) {
	sum := md5.Sum(raw)
	o := &gofakes3.Object{Name: key, Size: int64(len(raw)), Hash: sum[:], Metadata: map[string]string{}}
	r, err := rng.Range(int64(len(raw)))
	if err != nil {
		return nil, err
	}
	o.Range = r
	content := raw
	if r != nil {
		content = raw[r.Start : r.Start+r.Length]
	}
	if body {
		o.Contents = io.NopCloser(bytes.NewReader(content))
	} else {
		o.Contents = io.NopCloser(bytes.NewReader(nil))
	}
	return o, nil
}

func (d *dirBackend) GetObject(bucket, key string, rng *gofakes3.ObjectRangeRequest) (*gofakes3.Object, error) {
	raw, err := d.read(bucket, key)
	if err != nil {
		return nil, err
	}
	return d.object(key, raw, rng, true)
}

func (d *dirBackend) HeadObject(bucket, key string) (*gofakes3.Object, error) {
	raw, err := d.read(bucket, key)
	if err != nil {
		return nil, err
	}
	return d.object(key, raw, nil, false)
}

// PutObject writes the body beside its key, then renames it into place
// (atomic), or links it there for If-None-Match: * (link(2) fails when
// the name is taken: one writer wins). If-Match compares the ETag of the
// object in place just before the rename, which leaves a window between
// two processes; kirikae and Pulumi never send it.
func (d *dirBackend) PutObject(bucket, key string, _ map[string]string, input io.Reader, _ int64, cond *gofakes3.PutConditions) (gofakes3.PutObjectResult, error) {
	var res gofakes3.PutObjectResult
	if err := d.need(bucket); err != nil {
		return res, err
	}
	p, err := d.path(key)
	if err != nil {
		return res, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return res, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), dirTemp+"*")
	if err != nil {
		return res, err
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, input)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return res, err
	}
	if cond != nil && cond.IfNoneMatch != nil && *cond.IfNoneMatch == "*" {
		if err := os.Link(tmp.Name(), p); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return res, gofakes3.ErrorMessage(gofakes3.ErrPreconditionFailed, "At least one of the pre-conditions you specified did not hold")
			}
			return res, err
		}
		return res, nil
	}
	if cond != nil && cond.IfMatch != nil {
		info := &gofakes3.ConditionalObjectInfo{}
		if sum, _, err := fileMD5(p); err == nil {
			info.Exists, info.Hash = true, sum
		}
		if err := gofakes3.CheckPutConditions(cond, info); err != nil {
			return res, err
		}
	}
	return res, os.Rename(tmp.Name(), p)
}

// deleteIfMatch renames the object away (atomic: no other process sees
// it any more), compares its ETag and puts it back when it differs.
func (d *dirBackend) deleteIfMatch(key, etag string) *core.APIError {
	p, err := d.path(key)
	if err != nil {
		return &core.APIError{Status: http.StatusNotFound, Code: "NoSuchKey", Message: "The specified key does not exist."}
	}
	taken := filepath.Join(filepath.Dir(p), fmt.Sprintf("%sdelete-%d-%s", dirTemp, os.Getpid(), filepath.Base(p)))
	if err := os.Rename(p, taken); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return &core.APIError{Status: http.StatusNotFound, Code: "NoSuchKey", Message: "The specified key does not exist."}
		}
		return &core.APIError{Status: http.StatusInternalServerError, Code: "InternalError", Message: err.Error()}
	}
	sum, _, err := fileMD5(taken)
	if err != nil || hex.EncodeToString(sum) != etag {
		_ = os.Link(taken, p) // a new object written meanwhile stays
		_ = os.Remove(taken)
		return &core.APIError{Status: http.StatusPreconditionFailed, Code: "PreconditionFailed",
			Message: "At least one of the pre-conditions you specified did not hold"}
	}
	_ = os.Remove(taken)
	return nil
}

// DeleteObject removes the object; S3 answers 204 for a missing key too.
func (d *dirBackend) DeleteObject(bucket, key string) (gofakes3.ObjectDeleteResult, error) {
	if err := d.need(bucket); err != nil {
		return gofakes3.ObjectDeleteResult{}, err
	}
	p, err := d.path(key)
	if err != nil {
		return gofakes3.ObjectDeleteResult{}, nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) && !isDirErr(err) {
		return gofakes3.ObjectDeleteResult{}, err
	}
	return gofakes3.ObjectDeleteResult{}, nil
}

func (d *dirBackend) DeleteMulti(bucket string, keys ...string) (gofakes3.MultiDeleteResult, error) {
	var out gofakes3.MultiDeleteResult
	for _, k := range keys {
		if _, err := d.DeleteObject(bucket, k); err != nil {
			out.Error = append(out.Error, gofakes3.ErrorResultFromError(err))
			continue
		}
		out.Deleted = append(out.Deleted, gofakes3.ObjectID{Key: k})
	}
	return out, nil
}

func (d *dirBackend) CopyObject(srcBucket, srcKey, dstBucket, dstKey string, meta map[string]string) (gofakes3.CopyObjectResult, error) {
	raw, err := d.read(srcBucket, srcKey)
	if err != nil {
		return gofakes3.CopyObjectResult{}, err
	}
	if _, err := d.PutObject(dstBucket, dstKey, meta, bytes.NewReader(raw), int64(len(raw)), nil); err != nil {
		return gofakes3.CopyObjectResult{}, err
	}
	sum := md5.Sum(raw)
	return gofakes3.CopyObjectResult{ETag: gofakes3.FormatETag(sum[:]), LastModified: gofakes3.NewContentTime(core.FixedTimeValue())}, nil
}
