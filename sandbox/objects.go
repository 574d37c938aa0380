package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
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
	Size        int    `json:"size"`
	SHA256      string `json:"sha256"`
}

func (a *Account) blobPath(sum string) string { return filepath.Join(a.dir, objectsDir, sum) }

// needBucketNamed mirrors S3's NoSuchBucket for data-plane calls.
func (st *state) needBucketNamed(bucket string) error {
	if _, r := st.find(tokBucket, bucket, ""); r == nil {
		return fmt.Errorf("NoSuchBucket: the specified bucket %q does not exist in the simulated account", bucket)
	}
	return nil
}

// putObject stores body at bucket/key, replacing any object there.
func (a *Account) putObject(bucket, key string, body []byte, contentType string) error {
	if key == "" {
		return errors.New("put object: key is empty")
	}
	sum := sha256.Sum256(body)
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
		st.Objects[bucket][key] = object{ContentType: contentType, Size: len(body), SHA256: hash}
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

// listPrefixes returns the distinct next path segments under prefix.
func (a *Account) listPrefixes(bucket, prefix string) ([]string, error) {
	var out []string
	err := a.view(func(st *state) error {
		if err := st.needBucketNamed(bucket); err != nil {
			return err
		}
		seen := map[string]bool{}
		for key := range st.Objects[bucket] {
			rest, ok := strings.CutPrefix(key, prefix)
			if !ok {
				continue
			}
			if dir, _, isDir := strings.Cut(rest, "/"); isDir && !seen[dir] {
				seen[dir] = true
				out = append(out, dir)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list s3://%s/%s: %w", bucket, prefix, err)
	}
	sort.Strings(out)
	return out, nil
}

// deletePrefix deletes every object whose key starts with prefix.
func (a *Account) deletePrefix(bucket, prefix string) (int, error) {
	n := 0
	err := a.update(func(st *state) error {
		if err := st.needBucketNamed(bucket); err != nil {
			return err
		}
		for key, o := range st.Objects[bucket] {
			if strings.HasPrefix(key, prefix) {
				delete(st.Objects[bucket], key)
				a.collect(st, o.SHA256)
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("delete s3://%s/%s: %w", bucket, prefix, err)
	}
	return n, nil
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
