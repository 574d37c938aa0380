package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// LanguageHostName is the Go language plugin a plain `pulumi preview` in
// the repository starts (Pulumi.yaml says runtime: go). The CLI looks for it
// on PATH, then next to its own executable.
const LanguageHostName = "pulumi-language-go"

// languageHostDir is kirikae's own Go language host, a main package in the
// tools/pulumi module (tools/pulumi/language-go/main.go says why it exists).
const languageHostDir = "language-go"

// ensureLanguageHost builds kirikae's Go language host next to the CLI it
// built (bin), so that plain `pulumi` commands in the repository can run the
// program Pulumi.yaml names. Only kirikae's cached CLI gets one: a CLI from
// a Pulumi install (PATH, KIRIKAE_PULUMI) has Pulumi's own host beside it.
// It is rebuilt when its source changes (a stamp beside it records the
// source's sha256); hashing a few small files costs nothing per command.
// kirikae's own commands run their program inline and never need it, so a
// failed build is reported as progress and is not an error.
func ensureLanguageHost(ctx context.Context, opts CLIOptions, bin string) {
	if opts.ToolsDir == "" {
		return
	}
	if err := buildLanguageHost(ctx, opts, bin); err != nil && opts.Progress != nil {
		opts.Progress(fmt.Sprintf("%v; plain `pulumi preview` in the repository will not run, kirikae commands are unaffected", err))
	}
}

func buildLanguageHost(ctx context.Context, opts CLIOptions, bin string) error {
	src := filepath.Join(opts.ToolsDir, languageHostDir)
	if _, err := os.Stat(src); err != nil {
		return nil // a tools module without the host (an older checkout)
	}
	sum, err := sourceSHA256(opts.ToolsDir, src)
	if err != nil {
		return fmt.Errorf("build %s: %w", LanguageHostName, err)
	}
	host := filepath.Join(filepath.Dir(bin), LanguageHostName)
	stamp := host + ".source.sha256"
	if fresh(host, stamp, sum) {
		return nil
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("build %s: no Go toolchain", LanguageHostName)
	}
	unlock, err := lockFile(filepath.Join(filepath.Dir(filepath.Dir(bin)), ".build.lock"))
	if err != nil {
		return fmt.Errorf("lock CLI cache: %w", err)
	}
	defer unlock()
	if fresh(host, stamp, sum) {
		return nil // another process built it while we waited for the lock
	}
	if opts.Progress != nil {
		opts.Progress(fmt.Sprintf("building %s (kirikae's Go language host for plain pulumi commands) into %s", LanguageHostName, filepath.Dir(bin)))
	}
	tmp := fmt.Sprintf("%s.tmp-%d", host, os.Getpid())
	defer os.Remove(tmp)
	cmd := exec.CommandContext(ctx, gobin, "build", "-o", tmp, "./"+languageHostDir)
	cmd.Dir = opts.ToolsDir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s: %v: %s", LanguageHostName, err, lastLines(string(out), 5))
	}
	if err := os.Rename(tmp, host); err != nil {
		return fmt.Errorf("install %s: %w", LanguageHostName, err)
	}
	if err := os.WriteFile(stamp, []byte(sum+"\n"), 0o644); err != nil {
		return fmt.Errorf("record %s source: %w", LanguageHostName, err)
	}
	return nil
}

// fresh reports whether host exists and was built from source sum.
func fresh(host, stamp, sum string) bool {
	if _, err := os.Stat(host); err != nil {
		return false
	}
	raw, err := os.ReadFile(stamp)
	return err == nil && strings.TrimSpace(string(raw)) == sum
}

// sourceSHA256 hashes what the host is built from: its Go files and the
// tools module's go.mod and go.sum (the SDK version it serves).
func sourceSHA256(toolsDir, src string) (string, error) {
	files, err := filepath.Glob(filepath.Join(src, "*.go"))
	if err != nil {
		return "", err
	}
	slices.Sort(files)
	files = append(files, filepath.Join(toolsDir, "go.mod"), filepath.Join(toolsDir, "go.sum"))
	h := sha256.New()
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", filepath.Base(f), len(raw))
		h.Write(raw)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
