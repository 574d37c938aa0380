// Package backend stores kirikae's own records (releases, the journal,
// freezes and the deploy lock) beside the Pulumi state, in the same backend, so a
// team sharing an s3:// backend shares them and a laptop's file backend keeps
// them with its state.
//
// Records are write-once objects: Create refuses to overwrite, so two
// writers that pick the same key never silently lose one record. That is
// what makes release ids unique without a server: the writer that loses the
// race picks the next id.
package backend

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// ErrExists is returned by Create when the key is taken.
var ErrExists = errors.New("object exists")

// ErrNotFound is returned by Get for a missing key.
var ErrNotFound = errors.New("object not found")

// Store is a flat namespace of small, write-once objects.
type Store interface {
	// Create writes data under key unless the key exists (ErrExists).
	Create(ctx context.Context, key string, data []byte) error
	// Get reads one object (ErrNotFound when missing).
	Get(ctx context.Context, key string) ([]byte, error)
	// DeleteIf removes key if its content is still want: ErrNotFound when
	// it is missing, ErrChanged when another writer replaced it (locks).
	DeleteIf(ctx context.Context, key string, want []byte) error
	// List returns the keys under prefix, sorted.
	List(ctx context.Context, prefix string) ([]string, error)
	// Location names the store for messages ("file:///…/state", "s3://b/p").
	Location() string
}

// UnsupportedError is a backend URL kirikae cannot keep records in.
type UnsupportedError struct{ URL string }

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("backend %q is not supported: kirikae keeps its release records beside the state and accepts file://DIR and s3://BUCKET[/PREFIX][?region=R&endpoint=URL]", redact(e.URL))
}

// BadInput: the user picks another backend URL.
func (e *UnsupportedError) BadInput() bool { return true }

// Hint says what to pass instead.
func (e *UnsupportedError) Hint() string {
	return "pass --backend file://DIR or --backend s3://BUCKET?region=REGION (or leave it unset for the project's .kirikae state)"
}

// Open returns the store for a Pulumi backend URL. Records live under
// ".kirikae/" at the backend's root, apart from Pulumi's own ".pulumi/".
func Open(ctx context.Context, backendURL string) (Store, error) {
	return open(ctx, backendURL, recordsDir)
}

// OpenFiles returns the backend's whole key space, Pulumi's ".pulumi/"
// beside kirikae's records, for reading the files Pulumi writes (a
// stack's checkpoint, its history) without running the CLI. Keys are
// relative to the backend's root: ".pulumi/stacks/<project>/<stack>.json".
func OpenFiles(ctx context.Context, backendURL string) (Store, error) {
	return open(ctx, backendURL, "")
}

// OpenWithFiles is Open and OpenFiles of one backend URL, over one
// client (one AWS configuration load for an s3:// backend).
func OpenWithFiles(ctx context.Context, backendURL string) (records, files Store, err error) {
	records, err = Open(ctx, backendURL)
	if err != nil {
		return nil, nil, err
	}
	switch st := records.(type) {
	case *fileStore:
		return st, &fileStore{root: filepath.Dir(st.root)}, nil
	case *s3Store:
		return st, &s3Store{client: st.client, bucket: st.bucket, prefix: strings.TrimSuffix(st.prefix, recordsDir+"/")}, nil
	}
	return nil, nil, fmt.Errorf("open backend files: unexpected store %T", records)
}

// recordsDir is where kirikae's records live in a backend.
const recordsDir = ".kirikae"

func open(ctx context.Context, backendURL, sub string) (Store, error) {
	u, err := url.Parse(backendURL)
	if err != nil {
		return nil, &UnsupportedError{URL: backendURL}
	}
	switch u.Scheme {
	case "file":
		dir := u.Path
		if u.Host != "" && u.Host != "localhost" {
			dir = u.Host + u.Path // file://relative/dir
		}
		if dir == "" {
			return nil, &UnsupportedError{URL: backendURL}
		}
		return &fileStore{root: filepath.Join(dir, sub)}, nil
	case "s3":
		return newS3Store(ctx, u, sub)
	}
	return nil, &UnsupportedError{URL: backendURL}
}

// redact drops userinfo and query secrets from a URL for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.IndexAny(raw, "?@"); i >= 0 {
			return raw[:i] + "…"
		}
		return raw
	}
	u.User = nil
	return u.String()
}
