package engine

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/kirikae/kirikae/backend"
)

// RestoreResult is a state checkpoint put back in place.
type RestoreResult struct {
	Stack      string `json:"stack"`
	Version    int    `json:"version"`    // the update whose checkpoint was restored
	Checkpoint string `json:"checkpoint"` // file it came from
	Backup     string `json:"backup,omitempty"`
	Resources  int    `json:"resources"`
}

// RestoreCheckpoint replaces the stack's state with the checkpoint the DIY
// backend kept after update `version` (a file backend's directory, or an
// S3 bucket: the same keys). It is for damaged state, not for releases:
// AWS is not touched, so run a preview (or refresh) next. The state it
// replaces is copied under .kirikae/backups first.
func (s *Session) RestoreCheckpoint(ctx context.Context, version int) (*RestoreResult, error) {
	if s.files == nil {
		return nil, &CheckpointError{Stack: s.opts.Stack, Version: version,
			Reason: "only a DIY backend (file:// or s3://) keeps per-update checkpoints kirikae can read; use the backend's own history"}
	}
	unlock, err := s.Lock("restore")
	if err != nil {
		return nil, err
	}
	defer unlock()
	proj := string(s.project.Name)
	keys, err := checkpointKeys(ctx, s.files, proj, s.opts.Stack)
	if err != nil {
		return nil, err
	}
	if version < 1 || version > len(keys) {
		e := &CheckpointError{Stack: s.opts.Stack, Version: version, Reason: "no such update"}
		for i := range keys {
			e.Available = append(e.Available, i+1)
		}
		return nil, e
	}
	res := &RestoreResult{Stack: s.opts.Stack, Version: version, Checkpoint: s.files.Location() + "/" + keys[version-1]}
	raw, ok := readFile(ctx, s.files, keys[version-1])
	if !ok {
		return nil, &CheckpointError{Stack: s.opts.Stack, Version: version, Reason: "cannot read " + keys[version-1]}
	}
	dep, n, err := parseCheckpoint(raw, keys[version-1])
	if err != nil {
		return nil, &CheckpointError{Stack: s.opts.Stack, Version: version, Reason: err.Error()}
	}
	res.Resources = n
	if res.Backup, err = s.backupState(ctx, stateKey("stacks", proj, s.opts.Stack, ".json")); err != nil {
		return nil, err
	}
	if err := s.stack.Import(ctx, dep); err != nil {
		return nil, s.classify("restore checkpoint", err, nil)
	}
	return res, nil
}

// checkpointKeys lists the checkpoint kept with each history entry, oldest
// first, so index i is update version i+1 (kirikae numbers updates by age).
// The DIY backend names both after the same <stack>-<unix nanos> prefix.
func checkpointKeys(ctx context.Context, files backend.Store, project, stack string) ([]string, error) {
	keys, err := listFiles(ctx, files, stateKey("history", project, stack, "/"))
	if err != nil {
		return nil, fmt.Errorf("read history of %s: %w", stack, err)
	}
	var out []string
	for _, k := range keys {
		for _, ext := range []string{".history.json", ".history.json.gz"} {
			if prefix, ok := strings.CutSuffix(k, ext); ok {
				out = append(out, prefix+strings.Replace(ext, "history", "checkpoint", 1))
			}
		}
	}
	// Names share a prefix and end in fixed-width nanoseconds; numeric
	// order is what matters when widths ever differ.
	sort.SliceStable(out, func(i, j int) bool {
		a, b := path.Base(out[i]), path.Base(out[j])
		if len(a) != len(b) {
			return len(a) < len(b)
		}
		return a < b
	})
	return out, nil
}

// parseCheckpoint reads a versioned checkpoint (the file named key) as the
// deployment Import takes, and counts its resources.
func parseCheckpoint(raw []byte, key string) (apitype.UntypedDeployment, int, error) {
	var chk struct {
		Version    int `json:"version"`
		Checkpoint struct {
			Latest json.RawMessage `json:"latest"`
		} `json:"checkpoint"`
	}
	if err := json.Unmarshal(raw, &chk); err != nil {
		return apitype.UntypedDeployment{}, 0, fmt.Errorf("parse %s: %w", path.Base(key), err)
	}
	if len(chk.Checkpoint.Latest) == 0 || string(chk.Checkpoint.Latest) == "null" {
		return apitype.UntypedDeployment{}, 0, fmt.Errorf("%s holds no deployment", path.Base(key))
	}
	var dep struct {
		Resources []json.RawMessage `json:"resources"`
	}
	_ = json.Unmarshal(chk.Checkpoint.Latest, &dep)
	return apitype.UntypedDeployment{Version: chk.Version, Deployment: chk.Checkpoint.Latest}, len(dep.Resources), nil
}

// gunzip decompresses a .gz backend file.
func gunzip(raw []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	return io.ReadAll(zr)
}

// backupState copies the current state file aside; a damaged file is
// copied as it is, since it may still be someone's only evidence.
func (s *Session) backupState(ctx context.Context, key string) (string, error) {
	raw, err := s.files.Get(ctx, key)
	if errors.Is(err, backend.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("back up state: %w", err)
	}
	dir := filepath.Join(s.Paths.Root, "backups")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("back up state: %w", err)
	}
	out := filepath.Join(dir, fmt.Sprintf("%s-%s.json", s.opts.Stack, time.Now().UTC().Format("20060102T150405.000000000Z")))
	if err := os.WriteFile(out, raw, 0o600); err != nil {
		return "", fmt.Errorf("back up state: %w", err)
	}
	return out, nil
}
