package sandbox

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/johannesboyne/gofakes3"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

const objectsDir = "objects"

// Type tokens the data-plane simulation looks resources up by.
const (
	tokBucket       = "aws:s3/bucketV2:BucketV2"
	tokService      = "aws:ecs/service:Service"
	tokTaskDef      = "aws:ecs/taskDefinition:TaskDefinition"
	tokDistribution = "aws:cloudfront/distribution:Distribution"
)

// object is an S3 object's metadata. The body is stored once per content
// under StateDir/objects/<sha256>, which keeps account.json small and keys
// like "../x" from ever becoming file paths.
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
	err := a.update(func(st *state) error {
		if err := st.needBucketNamed(bucket); err != nil {
			return err
		}
		// The blob is written under the lock so a concurrent delete's
		// garbage collection cannot remove it before it is referenced.
		if err := os.MkdirAll(filepath.Join(a.dir, objectsDir), 0o700); err != nil {
			return fmt.Errorf("create object store: %w", err)
		}
		if err := writeFileAtomic(a.blobPath(hash), body); err != nil {
			return err
		}
		if st.Objects[bucket] == nil {
			st.Objects[bucket] = map[string]object{}
		}
		old, had := st.Objects[bucket][key]
		st.Objects[bucket][key] = object{ContentType: meta.ContentType, CacheControl: meta.CacheControl,
			Size: len(body), SHA256: hash, MD5: hex.EncodeToString(md[:]), Modified: now()}
		if had {
			a.collect(st, old.SHA256)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put object s3://%s/%s: %w", bucket, key, err)
	}
	return nil
}

// copyObject copies an object within the account in one state update: the
// copy refers to the same content-addressed blob, so no bytes move, as in
// S3's server-side copy. ok is false when the source bucket is not in
// this account (the caller then copies across accounts).
func (a *Account) copyObject(srcBucket, srcKey, dstBucket, dstKey string, meta object) (o object, ok bool, err error) {
	err = a.update(func(st *state) error {
		if st.needBucketNamed(srcBucket) != nil {
			return nil
		}
		ok = true
		src, found := st.Objects[srcBucket][srcKey]
		if !found {
			return gofakes3.KeyNotFound(srcKey)
		}
		if err := st.needBucketNamed(dstBucket); err != nil {
			return err
		}
		o = src
		o.Modified = now()
		if meta.ContentType != "" {
			o.ContentType = meta.ContentType
		}
		if meta.CacheControl != "" {
			o.CacheControl = meta.CacheControl
		}
		if st.Objects[dstBucket] == nil {
			st.Objects[dstBucket] = map[string]object{}
		}
		old, had := st.Objects[dstBucket][dstKey]
		st.Objects[dstBucket][dstKey] = o
		if had && old.SHA256 != o.SHA256 {
			a.collect(st, old.SHA256)
		}
		return nil
	})
	return o, ok, err
}

// deleteObjects deletes keys from bucket; keys that do not exist are not an
// error, as in S3's DeleteObject.
func (a *Account) deleteObjects(bucket string, keys ...string) error {
	err := a.update(func(st *state) error {
		if err := st.needBucketNamed(bucket); err != nil {
			return err
		}
		for _, key := range keys {
			if o, ok := st.Objects[bucket][key]; ok {
				delete(st.Objects[bucket], key)
				a.collect(st, o.SHA256)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete objects in s3://%s: %w", bucket, err)
	}
	return nil
}

// sortedKeys lists a bucket's keys in S3's listing order (UTF-8 binary).
func (st *state) sortedKeys(bucket string) []string {
	keys := make([]string, 0, len(st.Objects[bucket]))
	for k := range st.Objects[bucket] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// collect removes a blob no object refers to any more. A failed removal
// only leaves garbage behind, so it is not an error.
func (a *Account) collect(st *state, hash string) {
	for _, objs := range st.Objects {
		for _, o := range objs {
			if o.SHA256 == hash {
				return
			}
		}
	}
	_ = os.Remove(a.blobPath(hash))
}

// readObject returns an object and its body; ok is false when it does not
// exist. The caller holds the lock.
func (a *Account) readObject(st *state, bucket, key string) (object, []byte, bool, error) {
	o, ok := st.Objects[bucket][key]
	if !ok {
		return object{}, nil, false, nil
	}
	body, err := os.ReadFile(a.blobPath(o.SHA256))
	if err != nil {
		return object{}, nil, false, fmt.Errorf("read object s3://%s/%s: %w", bucket, key, err)
	}
	return o, body, true, nil
}

// hasObjectsUnder reports whether any object key starts with prefix.
func (st *state) hasObjectsUnder(bucket, prefix string) bool {
	for key := range st.Objects[bucket] {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	return false
}
