package deploy

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

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

func TestCachedCLIIsFound(t *testing.T) {
	cache := DefaultCacheDir()
	if _, err := os.Stat(filepath.Join(cache, "v"+PulumiVersion, "bin", "pulumi")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must have built the CLI first: %v", err)
		}
		t.Skip("no cached CLI")
	}
	cli, err := EnsureCLI(context.Background(), CLIOptions{SkipPath: true})
	require.NoError(t, err)
	assert.Equal(t, "cache", cli.Source)
	assert.Equal(t, PulumiVersion, cli.Version)
	assert.NotNil(t, cli.Command())
}
