package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPinnedVersionsAgree(t *testing.T) {
	main, err := os.ReadFile("../go.mod")
	require.NoError(t, err)
	tools, err := os.ReadFile("../tools/pulumi/go.mod")
	require.NoError(t, err)
	sdk := regexp.MustCompile(`github.com/pulumi/pulumi/sdk/v3 v(\S+)`).FindSubmatch(main)
	require.NotNil(t, sdk)
	pkg := regexp.MustCompile(`github.com/pulumi/pulumi/pkg/v3 v(\S+)`).FindSubmatch(tools)
	require.NotNil(t, pkg)
	assert.Equal(t, PulumiVersion, string(sdk[1]), "go.mod's Pulumi SDK must match the pinned CLI")
	assert.Equal(t, PulumiVersion, string(pkg[1]), "tools/pulumi must build the pinned CLI")
}

func TestNoCLIAndNoGoSaysHowToInstall(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // neither pulumi nor go
	_, err := EnsureCLI(context.Background(), CLIOptions{CacheDir: t.TempDir(), ToolsDir: "../tools/pulumi", SkipPath: true})
	require.Error(t, err)
	var missing *CLIMissingError
	require.ErrorAs(t, err, &missing)
	assert.Contains(t, err.Error(), "no Go toolchain")
	assert.Contains(t, missing.Hint(Invocation{}), "install pulumi v"+PulumiVersion)
	assert.Contains(t, missing.Hint(Invocation{}), "KIRIKAE_PULUMI")
}

func TestExplicitCLIMustWork(t *testing.T) {
	_, err := EnsureCLI(context.Background(), CLIOptions{Explicit: filepath.Join(t.TempDir(), "no-such-pulumi")})
	var missing *CLIMissingError
	require.ErrorAs(t, err, &missing)
	assert.Contains(t, err.Error(), "KIRIKAE_PULUMI=")
}

func TestCachedCLIOfWrongVersionIsNotUsed(t *testing.T) {
	cache := t.TempDir()
	bin := filepath.Join(cache, "v"+PulumiVersion, "bin", "pulumi")
	require.NoError(t, os.MkdirAll(filepath.Dir(bin), 0o755))
	// A stand-in binary that reports another version.
	require.NoError(t, os.WriteFile(bin, []byte("#!/bin/sh\necho v3.1.0\n"), 0o755))
	_, err := EnsureCLI(context.Background(), CLIOptions{CacheDir: cache, SkipPath: true})
	var missing *CLIMissingError
	require.ErrorAs(t, err, &missing, "a mismatched cached CLI must not be used")
}

// The engine tests find the CLI the way kirikae does: KIRIKAE_PULUMI
// first (CI points it at the CLI its workflow installed), then the cache.
// Missing in CI fails; only a developer's machine skips.
func TestCachedCLIIsFound(t *testing.T) {
	opts := CLIOptions{Explicit: os.Getenv("KIRIKAE_PULUMI"), SkipPath: true}
	cli, err := EnsureCLI(context.Background(), opts)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must have built or installed the CLI first (KIRIKAE_PULUMI=%q): %v", opts.Explicit, err)
		}
		t.Skipf("no CLI: %v", err)
	}
	if opts.Explicit == "" {
		assert.Equal(t, "cache", cli.Source)
	}
	assert.Equal(t, PulumiVersion, cli.Version)
	assert.NotNil(t, cli.Command())
}

// fakePulumi writes a stand-in pulumi that reports version v.
func fakePulumi(t *testing.T, path, v string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\necho v"+v+"\n"), 0o755))
}

// The repro: any pulumi on PATH at or above the pin was accepted.
func TestPathCLIMustBeExactlyThePinUnlessOptedIn(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	pathDir := t.TempDir()
	t.Setenv("PATH", pathDir)
	fakePulumi(t, filepath.Join(pathDir, "pulumi"), "3.999.0")
	opts := CLIOptions{CacheDir: t.TempDir()} // empty cache, no tools: nothing else to fall back on
	_, err := EnsureCLI(context.Background(), opts)
	var missing *CLIMissingError
	require.ErrorAs(t, err, &missing, "a newer pulumi on PATH is not the pinned one")

	t.Setenv(AllowNewerEnv, "1")
	cli, err := EnsureCLI(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, "path", cli.Source)
	assert.Equal(t, "3.999.0", cli.Version)

	t.Setenv(AllowNewerEnv, "")
	fakePulumi(t, filepath.Join(pathDir, "pulumi"), PulumiVersion)
	cli, err = EnsureCLI(context.Background(), opts)
	require.NoError(t, err)
	assert.Equal(t, "path", cli.Source)
}

// A cache built before checksums existed is trusted once (its version is
// checked) and its checksum recorded; after that a changed binary is refused.
func TestCachedCLIIsVerifiedByItsRecordedChecksum(t *testing.T) {
	cache := t.TempDir()
	bin := filepath.Join(cache, "v"+PulumiVersion, "bin", "pulumi")
	fakePulumi(t, bin, PulumiVersion)
	opts := CLIOptions{CacheDir: cache, SkipPath: true}

	cli, err := EnsureCLI(context.Background(), opts)
	require.NoError(t, err, "trust on first use")
	assert.Equal(t, "cache", cli.Source)
	raw, err := os.ReadFile(bin + ".sha256")
	require.NoError(t, err, "the checksum is recorded on first use")
	sum, err := FileSHA256(bin)
	require.NoError(t, err)
	assert.Equal(t, sum+"  pulumi\n", string(raw))

	_, err = EnsureCLI(context.Background(), opts)
	require.NoError(t, err, "an unchanged binary passes")

	// Same version output, different bytes: a planted binary.
	require.NoError(t, os.WriteFile(bin, []byte("#!/bin/sh\n# planted\necho v"+PulumiVersion+"\n"), 0o755))
	_, err = EnsureCLI(context.Background(), opts)
	var missing *CLIMissingError
	require.ErrorAs(t, err, &missing)
	assert.Contains(t, err.Error(), "does not match the sha256 recorded")
	assert.Contains(t, err.Error(), "kirikae engine")
}

// fakeGoScript stands in for go: `go list` names three packages, and
// `go build -v` names them as it "compiles" (the CLI's last) and writes a
// stand-in CLI to its -o path, so the rebuild path runs in milliseconds.
const fakeGoScript = `#!/bin/sh
if [ "$1" = list ]; then printf 'a\nb\n%[1]s\n'; exit 0; fi
printf 'a\nb\n' >&2
sleep 0.3
echo %[1]s >&2
while [ "$1" != -o ]; do shift; done
printf '#!/bin/sh\necho v%[2]s\n' > "$2"
chmod 755 "$2"
`

func TestMismatchedCacheIsRebuilt(t *testing.T) {
	buildProgressEvery = 100 * time.Millisecond
	t.Cleanup(func() { buildProgressEvery = time.Minute })
	cache := t.TempDir()
	bin := filepath.Join(cache, "v"+PulumiVersion, "bin", "pulumi")
	fakePulumi(t, bin, PulumiVersion)
	require.NoError(t, os.WriteFile(bin+".sha256", []byte("0000  pulumi\n"), 0o644))
	// A fake go that "builds" the stand-in, so the rebuild path runs in
	// milliseconds.
	goDir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(goDir, "go"), []byte(fmt.Sprintf(fakeGoScript, cliPackage, PulumiVersion)), 0o755))
	t.Setenv("PATH", goDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	var progress []string
	cli, err := EnsureCLI(context.Background(), CLIOptions{CacheDir: cache, SkipPath: true, ToolsDir: t.TempDir(),
		Progress: func(s string) { progress = append(progress, s) }})
	require.NoError(t, err)
	assert.Equal(t, "built", cli.Source)
	require.NotEmpty(t, progress)
	assert.Contains(t, progress[0], "rebuilding it")
	// One line per phase, each with the time since the build started.
	phases := progress[1:]
	require.GreaterOrEqual(t, len(phases), 5, "%q", phases)
	n := len(phases)
	for i, want := range map[int]string{0: "1/3 resolving modules", 1: "2/3 compiling up to 3 packages",
		2: "compiled 2 of up to 3 packages", n - 2: "3/3 linking, 3 packages compiled", n - 1: "done"} {
		assert.Contains(t, phases[i], want)
	}
	for _, p := range phases {
		assert.Regexp(t, `^building Pulumi CLI v\S+: .* \(\d+s\)$`, p)
	}
	sum, err := FileSHA256(bin)
	require.NoError(t, err)
	raw, err := os.ReadFile(bin + ".sha256")
	require.NoError(t, err)
	assert.Equal(t, sum+"  pulumi\n", string(raw), "the build records the new checksum")
}

// The repro: without HOME the cache fell back to a shared /tmp path.
func TestNoHomeMeansNoSharedTempCache(t *testing.T) {
	t.Setenv("HOME", "")
	t.Setenv("XDG_CACHE_HOME", "")
	_, err := DefaultCacheDir()
	var missing *CLIMissingError
	require.ErrorAs(t, err, &missing)
	assert.Contains(t, err.Error(), "neither XDG_CACHE_HOME nor HOME is set")
	_, err = EnsureCLI(context.Background(), CLIOptions{SkipPath: true})
	require.ErrorAs(t, err, &missing)
}
