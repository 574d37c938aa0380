package core

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/johannesboyne/gofakes3"
)

const ObjectsDir = "objects"

// Type tokens the data-plane simulation looks resources up by.

// Object is an S3 object's metadata, kept in the bucket's object log
// (core/objects_store.go). The body is stored once per content under
// StateDir/objects/<sha256>, which keeps keys like "../x" from ever
// becoming file paths.
type Object struct {
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

func (a *Account) BlobPath(sum string) string { return filepath.Join(a.Dir(), ObjectsDir, sum) }

// NeedBucketNamed mirrors S3's NoSuchBucket for data-plane calls.
func (st *State) NeedBucketNamed(bucket string) error {
	if _, r := st.Find(TokBucket, bucket, ""); r == nil {
		return gofakes3.BucketNotFound(bucket)
	}
	return nil
}

// PutObject stores body at bucket/key, replacing any object there.
func (a *Account) PutObject(bucket, key string, body []byte, contentType string) error {
	return a.PutObjectMeta(bucket, key, body, Object{ContentType: contentType})
}

// PutObjectMeta stores body with the metadata of meta (content type,
// cache control).
func (a *Account) PutObjectMeta(bucket, key string, body []byte, meta Object) error {
	if key == "" {
		return errors.New("put object: key is empty")
	}
	sum, md := sha256.Sum256(body), md5.Sum(body)
	hash := hex.EncodeToString(sum[:])
	err := a.UpdateObjects(func(st *State) error {
		if err := st.NeedBucketNamed(bucket); err != nil {
			return err
		}
		// The blob is written under the lock so a concurrent delete's
		// garbage collection cannot remove it before it is referenced.
		// Blobs are named by their content, so one already there is
		// this body.
		if _, err := os.Stat(a.BlobPath(hash)); err != nil {
			if err := os.MkdirAll(filepath.Join(a.Dir(), ObjectsDir), 0o700); err != nil {
				return fmt.Errorf("create object store: %w", err)
			}
			if err := WriteFileAtomic(a.BlobPath(hash), body); err != nil {
				return err
			}
		}
		ix, err := st.Objs.Index(bucket)
		if err != nil {
			return err
		}
		old, had := ix.Objs[key]
		o := Object{ContentType: meta.ContentType, CacheControl: meta.CacheControl,
			Size: len(body), SHA256: hash, MD5: hex.EncodeToString(md[:]), Modified: Now()}
		if err := st.Objs.Write(bucket, LogEntry{Key: key, O: &o}); err != nil {
			return err
		}
		if had && old.SHA256 != hash {
			st.Objs.collect(old.SHA256)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put object s3://%s/%s: %w", bucket, key, err)
	}
	return nil
}

// CopyObject copies an object within the account in one locked step: the
// copy refers to the same content-addressed blob, so no bytes move, as in
// S3's server-side copy
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html).
// ok is false when the source bucket is not in
// this account (the caller then copies across accounts).
func (a *Account) CopyObject(srcBucket, srcKey, dstBucket, dstKey string, meta Object) (o Object, ok bool, err error) {
	err = a.UpdateObjects(func(st *State) error {
		if st.NeedBucketNamed(srcBucket) != nil {
			return nil
		}
		ok = true
		src, err := st.Objs.Index(srcBucket)
		if err != nil {
			return err
		}
		found := false
		if o, found = src.Objs[srcKey]; !found {
			return gofakes3.KeyNotFound(srcKey)
		}
		if err := st.NeedBucketNamed(dstBucket); err != nil {
			return err
		}
		o.Modified = Now()
		if meta.ContentType != "" {
			o.ContentType = meta.ContentType
		}
		if meta.CacheControl != "" {
			o.CacheControl = meta.CacheControl
		}
		dst, err := st.Objs.Index(dstBucket)
		if err != nil {
			return err
		}
		old, had := dst.Objs[dstKey]
		if err := st.Objs.Write(dstBucket, LogEntry{Key: dstKey, O: &o}); err != nil {
			return err
		}
		if had && old.SHA256 != o.SHA256 {
			st.Objs.collect(old.SHA256)
		}
		return nil
	})
	return o, ok, err
}

// DeleteObjects deletes keys from bucket; keys that do not exist are not an
// error, as in S3's DeleteObject.
func (a *Account) DeleteObjects(bucket string, keys ...string) error {
	err := a.UpdateObjects(func(st *State) error {
		if err := st.NeedBucketNamed(bucket); err != nil {
			return err
		}
		ix, err := st.Objs.Index(bucket)
		if err != nil {
			return err
		}
		var gone []LogEntry
		var hashes []string
		seen := map[string]bool{}
		for _, key := range keys {
			if o, ok := ix.Objs[key]; ok && !seen[key] {
				seen[key] = true
				gone = append(gone, LogEntry{Key: key})
				hashes = append(hashes, o.SHA256)
			}
		}
		if len(gone) == 0 {
			return nil
		}
		if err := st.Objs.Write(bucket, gone...); err != nil {
			return err
		}
		st.Objs.collect(hashes...)
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete objects in s3://%s: %w", bucket, err)
	}
	return nil
}

// ReadObject returns an object and its body; ok is false when it does not
// exist. The caller holds the lock.
func (a *Account) ReadObject(st *State, bucket, key string) (Object, []byte, bool, error) {
	ix, err := st.Objs.Index(bucket)
	if err != nil {
		return Object{}, nil, false, err
	}
	o, ok := ix.Objs[key]
	if !ok {
		return Object{}, nil, false, nil
	}
	body, err := os.ReadFile(a.BlobPath(o.SHA256))
	if err != nil {
		return Object{}, nil, false, fmt.Errorf("read object s3://%s/%s: %w", bucket, key, err)
	}
	return o, body, true, nil
}

// objectCount is how many objects bucket holds.
func (st *State) objectCount(bucket string) (int, error) {
	ix, err := st.Objs.Index(bucket)
	if err != nil {
		return 0, err
	}
	return len(ix.Objs), nil
}

// DropObjects deletes every object of a deleted bucket, so a bucket
// created again under its name starts empty, as on AWS.
func (st *State) DropObjects(bucket string) error { return st.Objs.drop(bucket) }
