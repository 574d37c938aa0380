package cloud

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// memCloud is an in-memory Cloud for testing the helpers.
type memCloud struct {
	mu      sync.Mutex
	objects map[string]memObject // by bucket + "/" + key
	putErr  error
	puts    int      // PutObjectMeta calls
	copies  int      // CopyObject calls
	deletes []string // prefixes passed to DeletePrefix
}

type memObject struct {
	body         string
	contentType  string
	cacheControl string
}

func newMem() *memCloud { return &memCloud{objects: map[string]memObject{}} }

func (m *memCloud) PutObject(_ context.Context, bucket, key string, body []byte, contentType string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.putErr != nil {
		return m.putErr
	}
	m.objects[bucket+"/"+key] = memObject{body: string(body), contentType: contentType}
	return nil
}

func (m *memCloud) PutObjectMeta(_ context.Context, bucket, key string, body []byte, meta ObjectMeta) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.putErr != nil {
		return m.putErr
	}
	m.puts++
	m.objects[bucket+"/"+key] = memObject{body: string(body), contentType: meta.ContentType, cacheControl: meta.CacheControl}
	return nil
}

func (m *memCloud) ListObjects(_ context.Context, bucket, prefix string) ([]Object, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Object
	for k, o := range m.objects {
		if key, ok := strings.CutPrefix(k, bucket+"/"); ok && strings.HasPrefix(key, prefix) {
			sum := md5.Sum([]byte(o.body))
			out = append(out, Object{Key: key, ETag: hex.EncodeToString(sum[:]), Size: int64(len(o.body))})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func (m *memCloud) CopyObject(_ context.Context, srcBucket, srcKey, dstBucket, dstKey string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.objects[srcBucket+"/"+srcKey]
	if !ok {
		return "", errors.New("NoSuchKey: " + srcKey)
	}
	m.copies++
	m.objects[dstBucket+"/"+dstKey] = o
	sum := md5.Sum([]byte(o.body))
	return hex.EncodeToString(sum[:]), nil
}

func (m *memCloud) InvalidateAndWait(context.Context, string, []string, WaitOptions) error {
	return errors.New("not faked")
}

func (m *memCloud) ListPrefixes(_ context.Context, bucket, prefix string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for k := range m.objects {
		rest, ok := strings.CutPrefix(k, bucket+"/"+prefix)
		if dir, _, isDir := strings.Cut(rest, "/"); ok && isDir && !seen[dir] {
			seen[dir] = true
			out = append(out, dir)
		}
	}
	sort.Strings(out)
	return out, nil
}

func (m *memCloud) DeletePrefix(_ context.Context, bucket, prefix string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.deletes = append(m.deletes, prefix)
	n := 0
	for k := range m.objects {
		if strings.HasPrefix(k, bucket+"/"+prefix) {
			delete(m.objects, k)
			n++
		}
	}
	return n, nil
}

func (m *memCloud) Invalidate(context.Context, string, []string) error {
	return errors.New("not faked")
}

func (m *memCloud) RunningTaskDefinition(context.Context, string, string) (string, error) {
	return "", errors.New("not faked")
}

func (m *memCloud) HTTPClient() *http.Client { return http.DefaultClient }

func (m *memCloud) ImageDigest(context.Context, ImageRef) (string, error) { return "", nil }

func (m *memCloud) HasImages(context.Context, string, string) (bool, error)       { return false, nil }
func (m *memCloud) RepositoryURI(context.Context, string, string) (string, error) { return "", nil }
func (m *memCloud) ImagePlatforms(context.Context, ImageRef) ([]string, error)    { return nil, nil }
func (m *memCloud) ObjectVersions(context.Context, string) (int, error) {
	return 0, errors.New("not faked")
}

func (m *memCloud) EmptyBucket(context.Context, string) (int, error) {
	return 0, errors.New("not faked")
}

func (m *memCloud) RepositoryImages(context.Context, string) (int, error) {
	return 0, errors.New("not faked")
}

func (m *memCloud) EmptyRepository(context.Context, string) (int, error) {
	return 0, errors.New("not faked")
}

var _ Cloud = (*memCloud)(nil)

func (m *memCloud) ObjectRevision(context.Context, string, string) (string, error) {
	return "", errors.New("not faked")
}

func (m *memCloud) FunctionVersions(context.Context, string) ([]string, error) {
	return nil, errors.New("not faked")
}

func (m *memCloud) FunctionCodeSha256(context.Context, string, string) (string, error) {
	return "", errors.New("not faked")
}

func (m *memCloud) DeleteFunctionVersion(context.Context, string, string) error {
	return errors.New("not faked")
}

func (m *memCloud) ServiceStatus(context.Context, string, string) (ServiceStatus, error) {
	return ServiceStatus{}, errors.New("not faked")
}

func (m *memCloud) AliasVersion(context.Context, string, string) (AliasStatus, error) {
	return AliasStatus{}, errors.New("not faked")
}

func (m *memCloud) Alarms(context.Context, string) ([]Alarm, error) {
	return nil, errors.New("not faked")
}

func (m *memCloud) Parameter(context.Context, string) (string, error) {
	return "", errors.New("not faked")
}

func (m *memCloud) LogEvents(context.Context, LogQuery) (LogPage, error) {
	return LogPage{}, errors.New("not faked")
}

func (m *memCloud) Publish(context.Context, string, string, string) (string, error) {
	return "", errors.New("not faked")
}

func (m *memCloud) GetObject(_ context.Context, bucket, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.objects[bucket+"/"+key]
	if !ok {
		return nil, errors.New("NoSuchKey: " + key)
	}
	return []byte(o.body), nil
}

func (m *memCloud) DeleteObjects(_ context.Context, bucket string, keys []string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		delete(m.objects, bucket+"/"+k)
	}
	return len(keys), nil
}
