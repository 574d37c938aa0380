// Package testproject gives engine tests a private copy of the kirikae
// project, so they never touch the repository's own .kirikae state, and
// resolves the cached Pulumi CLI they run against.
package testproject

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/kirikae/kirikae/deploy"
	"github.com/kirikae/kirikae/stacks"
)

// Root returns the repository root (where Pulumi.yaml is).
func Root(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Copy copies Pulumi.yaml, the stack files and the app/web assets into a
// temp dir and returns it.
func Copy(t testing.TB) string {
	t.Helper()
	src := Root(t)
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		// go.mod and go.sum: a first sandbox deploy builds the initial
		// image from app/, which is part of the module.
		isStack := strings.HasPrefix(name, "Pulumi.") && strings.HasSuffix(name, ".yaml")
		if !e.IsDir() && (isStack || name == "go.mod" || name == "go.sum") {
			copyFile(t, filepath.Join(src, name), filepath.Join(dst, name))
		}
	}
	for _, dir := range []string{"app", "web", "smoke"} {
		root := filepath.Join(src, dir)
		if _, err := os.Stat(root); err != nil {
			continue
		}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			copyFile(t, p, filepath.Join(dst, rel))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	raw, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// CLI returns the options that find the Pulumi CLI the README's test command
// built. Without it the test is skipped locally, and fails in CI: an engine
// test must never silently not run in CI.
func CLI(t testing.TB) deploy.CLIOptions {
	t.Helper()
	if testing.Short() && !InCI() {
		t.Skip("-short: skipping a test that runs the Pulumi engine")
	}
	opts := deploy.CLIOptions{Explicit: os.Getenv("KIRIKAE_PULUMI")}
	if _, err := deploy.EnsureCLI(context.Background(), opts); err != nil {
		MissingTool(t, "the Pulumi CLI (run `go run ./cmd engine` first): %v", err)
	}
	return opts
}

// InCI reports whether the tests run in CI: any non-empty CI variable
// ("true", "1", "True"), as CI services set it.
func InCI() bool { return os.Getenv("CI") != "" }

// MissingTool skips a test whose tool is missing on a developer's machine
// and fails it in CI, where a skip would hide that the test never ran.
func MissingTool(t testing.TB, format string, args ...any) {
	t.Helper()
	if InCI() {
		t.Fatalf("missing in CI: "+format, args...)
	}
	t.Skipf("missing: "+format, args...)
}

// Long skips a long test under -short, except in CI: -short must not hide
// engine tests there.
func Long(t testing.TB, why string) {
	t.Helper()
	if testing.Short() && !InCI() {
		t.Skip("-short: " + why)
	}
}

// Stack loads dir's stack file. Tests take the names they expect (resource
// names through infra's name helpers, the image repository, the region)
// from it rather than spelling kirikae's own, so the same tests pass in a
// project that kirikae init renamed.
func Stack(t testing.TB, dir, stack string) stacks.Config {
	t.Helper()
	cfg, err := stacks.Load(dir, stack)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Project returns dir's Pulumi project name (Pulumi.yaml's name): the
// folder of its stacks' state and locks in the backend.
func Project(t testing.TB, dir string) string {
	t.Helper()
	name, err := stacks.ProjectName(dir)
	if err != nil {
		t.Fatal(err)
	}
	return name
}
