package sandbox

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/johannesboyne/gofakes3"
)

const objectsDir = "objects"

// Type tokens the data-plane simulation looks resources up by.
const (
	tokBucket       = "aws:s3/bucketV2:BucketV2"
	tokService      = "aws:ecs/service:Service"
	tokTaskDef      = "aws:ecs/taskDefinition:TaskDefinition"
	tokDistribution = "aws:cloudfront/distribution:Distribution"
)

// object is an S3 object's metadata, kept in the bucket's object log
// (objects_store.go). The body is stored once per content under
// StateDir/objects/<sha256>, which keeps keys like "../x" from ever
// becoming file paths.
type object struct {
	ContentType string `json:"contentType"`
	// CacheControl is the Cache-Control the object was stored with; S3
	// returns it on GET and CloudFront caches by it.
	CacheControl string `json:"cacheControl,omitempty"`
	Size         int    `json:"size"`
	SHA256       string `json:"sha256"`
	// MD5 is S3's ETag of a single-part upload.
	MD5      string `json:"md5,omitempty"`
	Modified string `json:"modified,omitempty"` // RFC 3339
}

func (a *Account) blobPath(sum string) string { return filepath.Join(a.dir, objectsDir, sum) }

// needBucketNamed mirrors S3's NoSuchBucket for data-plane calls.
func (st *state) needBucketNamed(bucket string) error {
	if _, r := st.find(tokBucket, bucket, ""); r == nil {
		return gofakes3.BucketNotFound(bucket)
	}
	return nil
}

// putObject stores body at bucket/key, replacing any object there.
func (a *Account) putObject(bucket, key string, body []byte, contentType string) error {
	return a.putObjectMeta(bucket, key, body, object{ContentType: contentType})
}

// putObjectMeta stores body with the metadata of meta (content type,
// cache control).
func (a *Account) putObjectMeta(bucket, key string, body []byte, meta object) error {
	if key == "" {
		return errors.New("put object: key is empty")
	}
	sum, md := sha256.Sum256(body), md5.Sum(body)
	hash := hex.EncodeToString(sum[:])
	err := a.updateObjects(func(st *state) error {
		if err := st.needBucketNamed(bucket); err != nil {
			return err
		}
		// The blob is written under the lock so a concurrent delete's
		// garbage collection cannot remove it before it is referenced.
		// Blobs are named by their content, so one already there is
		// this body.
		if _, err := os.Stat(a.blobPath(hash)); err != nil {
			if err := os.MkdirAll(filepath.Join(a.dir, objectsDir), 0o700); err != nil {
				return fmt.Errorf("create object store: %w", err)
			}
			if err := writeFileAtomic(a.blobPath(hash), body); err != nil {
				return err
			}
		}
		ix, err := st.objs.index(bucket)
		if err != nil {
			return err
		}
		old, had := ix.objs[key]
		o := object{ContentType: meta.ContentType, CacheControl: meta.CacheControl,
			Size: len(body), SHA256: hash, MD5: hex.EncodeToString(md[:]), Modified: now()}
		if err := st.objs.write(bucket, logEntry{Key: key, O: &o}); err != nil {
			return err
		}
		if had && old.SHA256 != hash {
			st.objs.collect(old.SHA256)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put object s3://%s/%s: %w", bucket, key, err)
	}
	return nil
}

// copyObject copies an object within the account in one locked step: the
// copy refers to the same content-addressed blob, so no bytes move, as in
// S3's server-side copy. ok is false when the source bucket is not in
// this account (the caller then copies across accounts).
func (a *Account) copyObject(srcBucket, srcKey, dstBucket, dstKey string, meta object) (o object, ok bool, err error) {
	err = a.updateObjects(func(st *state) error {
		if st.needBucketNamed(srcBucket) != nil {
			return nil
		}
		ok = true
		src, err := st.objs.index(srcBucket)
		if err != nil {
			return err
		}
		found := false
		if o, found = src.objs[srcKey]; !found {
			return gofakes3.KeyNotFound(srcKey)
		}
		if err := st.needBucketNamed(dstBucket); err != nil {
			return err
		}
		o.Modified = now()
		if meta.ContentType != "" {
			o.ContentType = meta.ContentType
		}
		if meta.CacheControl != "" {
			o.CacheControl = meta.CacheControl
		}
		dst, err := st.objs.index(dstBucket)
		if err != nil {
			return err
		}
		old, had := dst.objs[dstKey]
		if err := st.objs.write(dstBucket, logEntry{Key: dstKey, O: &o}); err != nil {
			return err
		}
		if had && old.SHA256 != o.SHA256 {
			st.objs.collect(old.SHA256)
		}
		return nil
	})
	return o, ok, err
}

// deleteObjects deletes keys from bucket; keys that do not exist are not an
// error, as in S3's DeleteObject.
func (a *Account) deleteObjects(bucket string, keys ...string) error {
	err := a.updateObjects(func(st *state) error {
		if err := st.needBucketNamed(bucket); err != nil {
			return err
		}
		ix, err := st.objs.index(bucket)
		if err != nil {
			return err
		}
		var gone []logEntry
		var hashes []string
		seen := map[string]bool{}
		for _, key := range keys {
			if o, ok := ix.objs[key]; ok && !seen[key] {
				seen[key] = true
				gone = append(gone, logEntry{Key: key})
				hashes = append(hashes, o.SHA256)
			}
		}
		if len(gone) == 0 {
			return nil
		}
		if err := st.objs.write(bucket, gone...); err != nil {
			return err
		}
		st.objs.collect(hashes...)
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete objects in s3://%s: %w", bucket, err)
	}
	return nil
}

// readObject returns an object and its body; ok is false when it does not
// exist. The caller holds the lock.
func (a *Account) readObject(st *state, bucket, key string) (object, []byte, bool, error) {
	ix, err := st.objs.index(bucket)
	if err != nil {
		return object{}, nil, false, err
	}
	o, ok := ix.objs[key]
	if !ok {
		return object{}, nil, false, nil
	}
	body, err := os.ReadFile(a.blobPath(o.SHA256))
	if err != nil {
		return object{}, nil, false, fmt.Errorf("read object s3://%s/%s: %w", bucket, key, err)
	}
	return o, body, true, nil
}

// hasObjectsUnder reports whether any object key starts with prefix. An
// unreadable index counts as none; reading an object reports the error.
func (st *state) hasObjectsUnder(bucket, prefix string) bool {
	ix, err := st.objs.index(bucket)
	if err != nil {
		return false
	}
	keys := ix.from(prefix)
	return len(keys) > 0 && strings.HasPrefix(keys[0], prefix)
}

// objectCount is how many objects bucket holds.
func (st *state) objectCount(bucket string) (int, error) {
	ix, err := st.objs.index(bucket)
	if err != nil {
		return 0, err
	}
	return len(ix.objs), nil
}

// dropObjects deletes every object of a deleted bucket, so a bucket
// created again under its name starts empty, as on AWS.
func (st *state) dropObjects(bucket string) error { return st.objs.drop(bucket) }
