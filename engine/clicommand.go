package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// pinnedCommand runs a pulumi binary whose version kirikae has already
// checked. The SDK's auto.NewPulumiCommand runs `pulumi version` every time
// it is made (0.3 s a process); kirikae checks once per binary path, size
// and modification time (see verifiedStamp) and then runs commands exactly
// as the SDK does: non-interactive, PULUMI_AUTOMATION_API set, the binary's
// directory first on PATH, interrupted (not killed) when ctx ends so the
// engine can stop cleanly.
type pinnedCommand struct {
	path    string
	version semver.Version
}

var _ auto.PulumiCommand = pinnedCommand{}

func (p pinnedCommand) Version() semver.Version { return p.version }

func (p pinnedCommand) Run(ctx context.Context, workdir string, stdin io.Reader,
	additionalOutput, additionalErrorOutput []io.Writer, additionalEnv []string, args ...string,
) (string, string, int, error) {
	cmd := exec.CommandContext(ctx, p.path, withNonInteractive(args)...)
	cmd.Dir = workdir
	env := append(os.Environ(), additionalEnv...)
	env = append(env, "PULUMI_AUTOMATION_API=true", "PATH="+filepath.Dir(p.path)+string(os.PathListSeparator)+os.Getenv("PATH"))
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout = io.MultiWriter(append(additionalOutput, &stdout)...)
	cmd.Stderr = io.MultiWriter(append(additionalErrorOutput, &stderr)...)
	cmd.Stdin = stdin
	cmd.SysProcAttr = engineProcAttrs()
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			_ = cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = 10 * time.Second
	code := -2
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err == nil {
		code = 0
	}
	return stdout.String(), stderr.String(), code, err
}

// teeStderr copies every command's stderr to w as well (nil: cmd as is).
func teeStderr(cmd auto.PulumiCommand, w io.Writer) auto.PulumiCommand {
	if w == nil {
		return cmd
	}
	return stderrTee{PulumiCommand: cmd, w: w}
}

type stderrTee struct {
	auto.PulumiCommand
	w io.Writer
}

func (t stderrTee) Run(ctx context.Context, workdir string, stdin io.Reader,
	additionalOutput, additionalErrorOutput []io.Writer, additionalEnv []string, args ...string,
) (string, string, int, error) {
	return t.PulumiCommand.Run(ctx, workdir, stdin, additionalOutput, append(additionalErrorOutput, t.w), additionalEnv, args...)
}

// withNonInteractive makes every command fail instead of prompting (and
// hanging), as the SDK does; flags after "--" belong to the program.
func withNonInteractive(args []string) []string {
	head := args
	if i := slices.Index(args, "--"); i >= 0 {
		head = args[:i]
	}
	if slices.Contains(head, "--non-interactive") {
		return args
	}
	return append([]string{"--non-interactive"}, args...)
}

// verifiedStamp remembers that a binary was checked: its version (and, for
// the cache, that its sha256 matched). It is keyed by path and valid while
// the file's size and modification time are unchanged, so a rebuilt or
// replaced binary is checked again.
type verifiedStamp struct {
	Path    string `json:"path"`
	Size    int64  `json:"size"`
	ModTime int64  `json:"modTime"` // UnixNano
	Version string `json:"version"`
	SHA256  string `json:"sha256,omitempty"`
}

func stampFile(bin string) (string, error) {
	abs, err := filepath.Abs(bin)
	if err != nil {
		return "", err
	}
	cache, err := DefaultCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cache, "verified", fmt.Sprintf("%x.json", sha256.Sum256([]byte(abs)))[:16+5]), nil
}

// readStamp returns the stamp of bin when it still describes the file.
func readStamp(bin string) (verifiedStamp, bool) {
	path, err := stampFile(bin)
	if err != nil {
		return verifiedStamp{}, false
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return verifiedStamp{}, false
	}
	var st verifiedStamp
	if json.Unmarshal(raw, &st) != nil {
		return verifiedStamp{}, false
	}
	info, err := os.Stat(bin)
	if err != nil || info.Size() != st.Size || info.ModTime().UnixNano() != st.ModTime {
		return verifiedStamp{}, false
	}
	if abs, _ := filepath.Abs(bin); abs != st.Path {
		return verifiedStamp{}, false
	}
	return st, true
}

// writeStamp records a check of bin; best effort (a read-only cache just
// means the next run checks again).
func writeStamp(bin, version, sum string) {
	path, err := stampFile(bin)
	if err != nil {
		return
	}
	info, err := os.Stat(bin)
	if err != nil {
		return
	}
	abs, _ := filepath.Abs(bin)
	raw, _ := json.Marshal(verifiedStamp{Path: abs, Size: info.Size(), ModTime: info.ModTime().UnixNano(), Version: version, SHA256: sum})
	if os.MkdirAll(filepath.Dir(path), 0o700) != nil {
		return
	}
	tmp := fmt.Sprintf("%s.tmp-%d", path, os.Getpid())
	if os.WriteFile(tmp, raw, 0o600) == nil {
		_ = os.Rename(tmp, path)
	}
}

// versionOf runs `pulumi version` unless a stamp already knows it, and
// says which (a version not from a stamp is worth recording in one).
func versionOf(bin string) (v semver.Version, stamped bool, err error) {
	if st, ok := readStamp(bin); ok {
		if v, err := semver.ParseTolerant(st.Version); err == nil {
			return v, true, nil
		}
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		return semver.Version{}, false, fmt.Errorf("run %s version: %w", bin, err)
	}
	raw := strings.TrimSpace(string(out))
	if v, err = semver.ParseTolerant(raw); err != nil {
		return semver.Version{}, false, fmt.Errorf("parse version %q of %s: %w", raw, bin, err)
	}
	return v, false, nil
}
