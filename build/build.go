// Package build turns the example workload's source into deployable
// artifacts: static Go binaries with the release baked in, the Lambda
// deployment zip, and the hashed frontend bundle. It runs the installed
// `go` toolchain; nothing here needs Docker or npm.
package build

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// VersionSymbol is the variable the linker sets to the release: every main
// package built here declares `var Version = "dev"`. Using main keeps the
// contract independent of the module path, so a team's own service only
// needs that one line.
const VersionSymbol = "main.Version"

// ErrInvalidVersion: the version is not usable as a release name.
var ErrInvalidVersion = errors.New("invalid version")

// versionRE is a Docker tag (what kirikae:imageTag accepts), so the same
// release name works for the image, the binary and the zip. It also keeps
// the -ldflags string free of spaces and quotes.
var versionRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

// LdFlags are the linker flags every artifact is built with: no symbol
// table or DWARF (-s -w, smaller uploads), and the release in VersionSymbol.
func LdFlags(version string) string {
	return "-s -w -X " + VersionSymbol + "=" + version
}

// Binary builds the main package in dir for goos/goarch into out: static
// (CGO_ENABLED=0, so it runs on distroless/scratch and provided.al2023),
// -trimpath and -buildvcs=false so the bytes depend on the source and the
// toolchain only, not on where the checkout lives or its git state.
func Binary(ctx context.Context, dir, goos, goarch, version, out string) error {
	if !versionRE.MatchString(version) {
		return fmt.Errorf("build binary: version %q (want a Docker-tag-like name such as v1.4.2): %w", version, ErrInvalidVersion)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("build binary: find go toolchain: %w", err)
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return fmt.Errorf("build binary: %w", err)
	}
	cmd := exec.CommandContext(ctx, goBin, "build", "-trimpath", "-buildvcs=false",
		"-ldflags", LdFlags(version), "-o", absOut, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("build binary %s for %s/%s: %w: %s", dir, goos, goarch, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
