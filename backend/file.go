package backend

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// fileStore keeps objects as files under <dir>/.kirikae/. Create uses
// O_EXCL on a temporary name's final link, so concurrent processes never
// overwrite each other and a reader never sees a half-written object.
type fileStore struct{ root string }

func newFileStore(dir string) *fileStore {
	return &fileStore{root: filepath.Join(dir, recordsDir)}
}

func (f *fileStore) Location() string {
	return "file://" + strings.TrimSuffix(f.root, string(filepath.Separator)+recordsDir)
}

func (f *fileStore) path(key string) (string, error) {
	clean := filepath.Clean(filepath.FromSlash(key))
	if key == "" || filepath.IsAbs(clean) || clean == "." || strings.HasPrefix(clean, "..") {
		return "", fmt.Errorf("store object: invalid key %q", key)
	}
	return filepath.Join(f.root, clean), nil
}

func (f *fileStore) Create(_ context.Context, key string, data []byte) error {
	p, err := f.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("create record dir: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return fmt.Errorf("write record %s: %w", key, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write record %s: %w", key, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write record %s: %w", key, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write record %s: %w", key, err)
	}
	// link(2) fails with EEXIST when the name is taken: an atomic
	// create-if-absent of a complete file.
	if err := os.Link(tmp.Name(), p); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return ErrExists
		}
		return fmt.Errorf("write record %s: %w", key, err)
	}
	return nil
}

func (f *fileStore) Get(_ context.Context, key string) ([]byte, error) {
	p, err := f.path(key)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read record %s: %w", key, err)
	}
	return b, nil
}

func (f *fileStore) List(_ context.Context, prefix string) ([]string, error) {
	dir := f.root
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		dir = filepath.Join(f.root, filepath.FromSlash(prefix[:i]))
	}
	var keys []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".tmp-") {
			return nil
		}
		rel, err := filepath.Rel(f.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if strings.HasPrefix(key, prefix) {
			keys = append(keys, key)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list records %s: %w", prefix, err)
	}
	sort.Strings(keys)
	return keys, nil
}

// DeleteIf removes key when its content is want. The object is first
// renamed away (atomic), so no other writer's object is ever removed: if
// the taken one is not what the caller read, it is linked back.
func (f *fileStore) DeleteIf(_ context.Context, key string, want []byte) error {
	p, err := f.path(key)
	if err != nil {
		return err
	}
	taken := filepath.Join(filepath.Dir(p), fmt.Sprintf(".tmp-delete-%d-%s", os.Getpid(), filepath.Base(p)))
	if err := os.Rename(p, taken); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return ErrNotFound
		}
		return fmt.Errorf("delete record %s: %w", key, err)
	}
	got, err := os.ReadFile(taken)
	if err == nil && !bytes.Equal(got, want) {
		// Not ours: put it back (unless a new one appeared meanwhile, which
		// Create's link(2) would refuse anyway).
		_ = os.Link(taken, p)
		_ = os.Remove(taken)
		return ErrChanged
	}
	if err := os.Remove(taken); err != nil {
		return fmt.Errorf("delete record %s: %w", key, err)
	}
	return nil
}
