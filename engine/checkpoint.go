package engine

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// RestoreResult is a state checkpoint put back in place.
type RestoreResult struct {
	Stack      string `json:"stack"`
	Version    int    `json:"version"`    // the update whose checkpoint was restored
	Checkpoint string `json:"checkpoint"` // file it came from
	Backup     string `json:"backup,omitempty"`
	Resources  int    `json:"resources"`
}

// RestoreCheckpoint replaces the stack's state with the checkpoint the file
// backend kept after update `version`. It is for damaged state, not for
// releases: AWS is not touched, so run a preview (or refresh) next. The
// state it replaces is copied under .kirikae/backups first.
func (s *Session) RestoreCheckpoint(ctx context.Context, version int) (*RestoreResult, error) {
	backend, ok := strings.CutPrefix(s.Paths.BackendURL(s.opts.Backend), "file://")
	if !ok {
		return nil, &CheckpointError{Stack: s.opts.Stack, Version: version,
			Reason: "only a file backend keeps per-update checkpoints kirikae can read; use the backend's own history (e.g. S3 object versions)"}
	}
	unlock, err := s.Lock("restore")
	if err != nil {
		return nil, err
	}
	defer unlock()
	proj := string(s.project.Name)
	files, err := checkpointFiles(filepath.Join(backend, ".pulumi", "history", proj, s.opts.Stack))
	if err != nil {
		return nil, err
	}
	if version < 1 || version > len(files) {
		e := &CheckpointError{Stack: s.opts.Stack, Version: version, Reason: "no such update"}
		for i := range files {
			e.Available = append(e.Available, i+1)
		}
		return nil, e
	}
	res := &RestoreResult{Stack: s.opts.Stack, Version: version, Checkpoint: files[version-1]}
	dep, n, err := readCheckpoint(res.Checkpoint)
	if err != nil {
		return nil, &CheckpointError{Stack: s.opts.Stack, Version: version, Reason: err.Error()}
	}
	res.Resources = n
	if res.Backup, err = s.backupState(filepath.Join(backend, ".pulumi", "stacks", proj, s.opts.Stack+".json")); err != nil {
		return nil, err
	}
	if err := s.stack.Import(ctx, dep); err != nil {
		return nil, s.classify("restore checkpoint", err, nil)
	}
	return res, nil
}

// checkpointFiles lists the checkpoint kept with each history entry, oldest
// first, so index i is update version i+1 (kirikae numbers updates by age).
// The file backend names both after the same <stack>-<unix nanos> prefix.
func checkpointFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("read history dir: %w", err)
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		for _, ext := range []string{".history.json", ".history.json.gz"} {
			if prefix, ok := strings.CutSuffix(name, ext); ok {
				out = append(out, filepath.Join(dir, prefix+strings.Replace(ext, "history", "checkpoint", 1)))
			}
		}
	}
	// Names share a prefix and end in fixed-width nanoseconds; numeric
	// order is what matters when widths ever differ.
	sort.SliceStable(out, func(i, j int) bool {
		a, b := filepath.Base(out[i]), filepath.Base(out[j])
		if len(a) != len(b) {
			return len(a) < len(b)
		}
		return a < b
	})
	return out, nil
}

// readCheckpoint reads a versioned checkpoint as the deployment Import
// takes, and counts its resources.
func readCheckpoint(path string) (apitype.UntypedDeployment, int, error) {
	raw, err := readMaybeGzip(path)
	if err != nil {
		return apitype.UntypedDeployment{}, 0, err
	}
	var chk struct {
		Version    int `json:"version"`
		Checkpoint struct {
			Latest json.RawMessage `json:"latest"`
		} `json:"checkpoint"`
	}
	if err := json.Unmarshal(raw, &chk); err != nil {
		return apitype.UntypedDeployment{}, 0, fmt.Errorf("parse %s: %w", filepath.Base(path), err)
	}
	if len(chk.Checkpoint.Latest) == 0 || string(chk.Checkpoint.Latest) == "null" {
		return apitype.UntypedDeployment{}, 0, fmt.Errorf("%s holds no deployment", filepath.Base(path))
	}
	var dep struct {
		Resources []json.RawMessage `json:"resources"`
	}
	_ = json.Unmarshal(chk.Checkpoint.Latest, &dep)
	return apitype.UntypedDeployment{Version: chk.Version, Deployment: chk.Checkpoint.Latest}, len(dep.Resources), nil
}

// readMaybeGzip reads a backend file, gunzipping a .gz one.
func readMaybeGzip(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("decompress %s: %w", filepath.Base(path), err)
		}
		if raw, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("decompress %s: %w", filepath.Base(path), err)
		}
	}
	return raw, nil
}

// backupState copies the current state file aside; a damaged file is
// copied as it is, since it may still be someone's only evidence.
func (s *Session) backupState(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if os.IsNotExist(err) {
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
