package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// CLIOptions says where the Pulumi CLI may come from.
type CLIOptions struct {
	// Explicit is a path to a pulumi binary (KIRIKAE_PULUMI); when set it is
	// the only candidate, so a typo is an error instead of a silent fallback.
	Explicit string
	// CacheDir holds built CLIs as <CacheDir>/<version>/bin/pulumi;
	// "" means $XDG_CACHE_HOME/kirikae/pulumi (or ~/.cache/kirikae/pulumi).
	CacheDir string
	// ToolsDir is the tools/pulumi module that pins and builds the CLI;
	// "" disables building.
	ToolsDir string
	// SkipPath ignores `pulumi` on PATH (tests use it to exercise the cache).
	SkipPath bool
	// Progress receives one-line progress messages ("building Pulumi CLI …").
	Progress func(string)
	// EngineStderr, when set, receives the engine's own stderr as it is
	// written (kirikae --verbose): plugin, language host and passphrase
	// errors are there before they reach a one-line error.
	EngineStderr io.Writer
}

// CLI is a resolved Pulumi CLI.
type CLI struct {
	Path    string
	Version string
	// Source says how it was found: explicit, path, cache or built.
	Source  string
	command auto.PulumiCommand
}

// Command returns the handle the Automation API runs.
func (c *CLI) Command() auto.PulumiCommand { return c.command }

// AllowNewerEnv opts in to a `pulumi` on PATH newer than the pinned version.
// Without it only the exact pin is used: hosted runners ship a pulumi that
// updates weekly, and a deploy tool should not change engines under a team.
const AllowNewerEnv = "KIRIKAE_PULUMI_ALLOW_NEWER"

// DefaultCacheDir is where built CLIs are kept between runs:
// $XDG_CACHE_HOME/kirikae/pulumi, else ~/.cache/kirikae/pulumi. With neither
// it is an error, never a shared temp dir another local user could plant a
// binary in.
func DefaultCacheDir() (string, error) {
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil || home == "" {
			return "", &CLIMissingError{Reason: "no cache dir for the Pulumi CLI: neither XDG_CACHE_HOME nor HOME is set (kirikae never uses a shared temp dir); set one of them"}
		}
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "kirikae", "pulumi"), nil
}

// EnsureCLI finds or builds the Pulumi CLI, in this order: the explicit path,
// `pulumi` on PATH when it is exactly PulumiVersion (or newer with
// KIRIKAE_PULUMI_ALLOW_NEWER=1), the cache (verified against the sha256
// recorded when it was built), and finally a build from the pinned
// tools/pulumi module. It never downloads a prebuilt binary: the only network
// use is the Go module proxy during a build.
func EnsureCLI(ctx context.Context, opts CLIOptions) (*CLI, error) {
	if opts.Explicit != "" {
		cli, err := openCLI(opts.Explicit, "explicit", false)
		if err != nil {
			return nil, &CLIMissingError{Reason: fmt.Sprintf("KIRIKAE_PULUMI=%s is not a usable pulumi binary: %v", opts.Explicit, err)}
		}
		return cli, nil
	}
	if !opts.SkipPath {
		if p, err := exec.LookPath("pulumi"); err == nil {
			if cli, err := openCLI(p, "path", os.Getenv(AllowNewerEnv) == "1"); err == nil {
				return cli, nil
			}
		}
	}
	cacheDir := opts.CacheDir
	if cacheDir == "" {
		var err error
		if cacheDir, err = DefaultCacheDir(); err != nil {
			return nil, err
		}
	}
	root := filepath.Join(cacheDir, "v"+PulumiVersion)
	bin := filepath.Join(root, "bin", "pulumi")
	cli, err := openCached(bin)
	if err == nil {
		ensureLanguageHost(ctx, opts, bin)
		return cli, nil
	}
	var tampered *ChecksumError
	if errors.As(err, &tampered) {
		if opts.ToolsDir == "" {
			return nil, &CLIMissingError{Reason: err.Error() + "; delete it and run `kirikae engine` to rebuild"}
		}
		if opts.Progress != nil {
			opts.Progress(err.Error() + "; rebuilding it")
		}
		if err := os.Remove(bin); err != nil && !os.IsNotExist(err) {
			return nil, fmt.Errorf("remove mismatched CLI: %w", err)
		}
	}
	if opts.ToolsDir == "" {
		return nil, &CLIMissingError{Reason: "no Pulumi CLI on PATH or in " + root}
	}
	if err := buildCLI(ctx, opts, root, bin); err != nil {
		return nil, err
	}
	if cli, err = openCached(bin); err != nil {
		return nil, err
	}
	cli.Source = "built"
	ensureLanguageHost(ctx, opts, bin)
	return cli, nil
}

// openCached opens the cached build after checking it against the sha256
// recorded beside it at build time (<bin>.sha256, sha256sum format), then
// checks its version like any candidate. A cache built before checksums were recorded is trusted on first use: its
// version is checked once and its checksum recorded.
func openCached(bin string) (*CLI, error) {
	if _, err := os.Stat(bin); err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(bin + ".sha256")
	recordedSum, _, _ := strings.Cut(strings.TrimSpace(string(raw)), " ")
	if st, ok := readStamp(bin); ok && err == nil && st.SHA256 != "" && st.SHA256 == recordedSum {
		// Hashed against the recorded sum since its last change: 171 MB
		// need not be read again on every command.
		return openCLI(bin, "cache", false)
	}
	sum, err := FileSHA256(bin)
	if err != nil {
		return nil, err
	}
	raw, err = os.ReadFile(bin + ".sha256")
	if os.IsNotExist(err) {
		cli, err := openCLI(bin, "cache", false)
		if err != nil {
			return nil, err
		}
		if err := writeChecksum(bin, sum); err != nil {
			return nil, err
		}
		writeStamp(bin, cli.Version, sum)
		return cli, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read CLI checksum: %w", err)
	}
	recorded, _, _ := strings.Cut(strings.TrimSpace(string(raw)), " ")
	if recorded != sum {
		return nil, &ChecksumError{Path: bin, Want: recorded, Got: sum}
	}
	cli, err := openCLI(bin, "cache", false)
	if err != nil {
		return nil, err
	}
	writeStamp(bin, cli.Version, sum)
	return cli, nil
}

// ChecksumError is a cached CLI whose bytes are not those built.
type ChecksumError struct{ Path, Want, Got string }

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("cached pulumi %s does not match the sha256 recorded when it was built (want %.12s…, got %.12s…)", e.Path, e.Want, e.Got)
}

// FileSHA256 is the hex sha256 of a file's content.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeChecksum records sum for bin, atomically, so a reader never sees half
// a checksum and refuses a good binary.
func writeChecksum(bin, sum string) error {
	tmp := fmt.Sprintf("%s.sha256.tmp-%d", bin, os.Getpid())
	if err := os.WriteFile(tmp, []byte(sum+"  "+filepath.Base(bin)+"\n"), 0o644); err != nil {
		return fmt.Errorf("record CLI checksum: %w", err)
	}
	if err := os.Rename(tmp, bin+".sha256"); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("record CLI checksum: %w", err)
	}
	return nil
}

// openCLI checks a candidate binary's version (once per path, size and
// modification time: see verifiedStamp). atLeast accepts any version >= the
// pin (PATH with the opt-in); otherwise the version must match exactly.
func openCLI(bin, source string, atLeast bool) (*CLI, error) {
	if _, err := os.Stat(bin); err != nil {
		return nil, err
	}
	got, stamped, err := versionOf(bin)
	if err != nil {
		return nil, err
	}
	want := semver.MustParse(PulumiVersion)
	if (atLeast && got.LT(want)) || (!atLeast && !got.Equals(want)) {
		return nil, fmt.Errorf("%s is pulumi %s, kirikae needs %s", bin, got, want)
	}
	if !stamped {
		writeStamp(bin, got.String(), "")
	}
	return &CLI{Path: bin, Version: got.String(), Source: source, command: pinnedCommand{path: bin, version: got}}, nil
}

func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// CLIMissingError means no usable Pulumi CLI could be found or built.
type CLIMissingError struct{ Reason string }

func (e *CLIMissingError) Error() string {
	return "find Pulumi CLI: " + e.Reason
}

// Hint tells the user how to get going.
func (e *CLIMissingError) Hint(Invocation) string {
	return fmt.Sprintf("install pulumi v%s (https://www.pulumi.com/docs/install/) or Go 1.26+ so kirikae can build it, or point KIRIKAE_PULUMI at a pulumi binary", PulumiVersion)
}
