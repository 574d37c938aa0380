package deploy

import (
	"context"
	"crypto/sha256"
	"fmt"
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

// DefaultCacheDir is where built CLIs are kept between runs.
func DefaultCacheDir() string {
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		if home, err := os.UserHomeDir(); err == nil {
			base = filepath.Join(home, ".cache")
		} else {
			base = os.TempDir()
		}
	}
	return filepath.Join(base, "kirikae", "pulumi")
}

// EnsureCLI finds or builds the Pulumi CLI, in this order: the explicit path,
// `pulumi` on PATH when its version is at least PulumiVersion, the cache, and
// finally a build from the pinned tools/pulumi module. It never downloads a
// prebuilt binary: the only network use is the Go module proxy during a build.
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
			if cli, err := openCLI(p, "path", true); err == nil {
				return cli, nil
			}
		}
	}
	cacheDir := opts.CacheDir
	if cacheDir == "" {
		cacheDir = DefaultCacheDir()
	}
	root := filepath.Join(cacheDir, "v"+PulumiVersion)
	bin := filepath.Join(root, "bin", "pulumi")
	if cli, err := openCLI(bin, "cache", false); err == nil {
		return cli, nil
	}
	if opts.ToolsDir == "" {
		return nil, &CLIMissingError{Reason: "no Pulumi CLI on PATH or in " + root}
	}
	if err := buildCLI(ctx, opts, root, bin); err != nil {
		return nil, err
	}
	return openCLI(bin, "built", false)
}

// openCLI checks a candidate binary. atLeast accepts any version >= the pin
// (a user's own newer pulumi); otherwise the version must match exactly, since
// the cache is keyed by it.
func openCLI(bin, source string, atLeast bool) (*CLI, error) {
	if _, err := os.Stat(bin); err != nil {
		return nil, err
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		return nil, fmt.Errorf("run %s version: %w", bin, err)
	}
	raw := strings.TrimSpace(string(out))
	got, err := semver.ParseTolerant(raw)
	if err != nil {
		return nil, fmt.Errorf("parse version %q of %s: %w", raw, bin, err)
	}
	want := semver.MustParse(PulumiVersion)
	if (atLeast && got.LT(want)) || (!atLeast && !got.Equals(want)) {
		return nil, fmt.Errorf("%s is pulumi %s, kirikae needs %s", bin, got, want)
	}
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{
		Root:    filepath.Dir(filepath.Dir(bin)),
		Version: want,
	})
	if err != nil && filepath.Base(filepath.Dir(bin)) != "bin" {
		// A binary outside a <root>/bin layout (KIRIKAE_PULUMI, PATH): wrap
		// it directly instead of requiring the installer's layout.
		cmd, err = pathCommand(bin, want)
	}
	if err != nil {
		return nil, fmt.Errorf("open pulumi %s: %w", bin, err)
	}
	return &CLI{Path: bin, Version: got.String(), Source: source, command: cmd}, nil
}

// buildCLI builds the pinned CLI into the cache. A file lock serialises
// concurrent kirikae processes; the binary is written under a temporary name
// and renamed, so a killed build never leaves a half-written pulumi behind.
func buildCLI(ctx context.Context, opts CLIOptions, root, bin string) error {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return &CLIMissingError{Reason: "no Pulumi CLI found and no Go toolchain to build one"}
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return fmt.Errorf("create CLI cache dir: %w", err)
	}
	unlock, err := lockFile(filepath.Join(root, ".build.lock"))
	if err != nil {
		return fmt.Errorf("lock CLI cache: %w", err)
	}
	defer unlock()
	if _, err := os.Stat(bin); err == nil {
		return nil // another process built it while we waited for the lock
	}
	if opts.Progress != nil {
		opts.Progress(fmt.Sprintf("building Pulumi CLI v%s once into %s (~10 min on 2 cores; later runs reuse it)", PulumiVersion, root))
	}
	tmp := fmt.Sprintf("%s.tmp-%d", bin, os.Getpid())
	defer os.Remove(tmp)
	cmd := exec.CommandContext(ctx, gobin, "build",
		"-ldflags", "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v"+PulumiVersion,
		"-o", tmp, "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi")
	cmd.Dir = opts.ToolsDir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return &CLIMissingError{Reason: fmt.Sprintf("building the Pulumi CLI failed: %v: %s", err, lastLines(string(out), 5))}
	}
	if err := os.Rename(tmp, bin); err != nil {
		return fmt.Errorf("install built CLI: %w", err)
	}
	return nil
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

// pathCommand wraps a pulumi binary that does not live in an installer-style
// <root>/bin/pulumi layout (as auto.NewPulumiCommand wants) by linking it into
// one under the user's cache.
func pathCommand(bin string, want semver.Version) (auto.PulumiCommand, error) {
	abs, err := filepath.Abs(bin)
	if err != nil {
		return nil, err
	}
	root := filepath.Join(DefaultCacheDir(), "links", fmt.Sprintf("%x", sha256.Sum256([]byte(abs)))[:16])
	link := filepath.Join(root, "bin", "pulumi")
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		return nil, err
	}
	_ = os.Remove(link)
	if err := os.Symlink(abs, link); err != nil {
		return nil, err
	}
	return auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: root, Version: want})
}
