package build

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// DefaultLambdaArch is the architecture functions are built for unless told
// otherwise; the function must declare the same one (architectures:
// ["arm64"]) or Lambda fails with Runtime.InvalidEntrypoint / exec format
// error (https://docs.aws.amazon.com/lambda/latest/dg/foundation-arch.html).
const DefaultLambdaArch = "arm64"

// ErrInvalidArch: not an architecture Lambda runs.
var ErrInvalidArch = errors.New("invalid lambda architecture")

// zipModTime is the fixed modification time of every zip entry, so the
// same binary always yields the same zip bytes and Lambda's CodeSha256
// changes only when the code does. 1980-01-01 is the earliest MS-DOS time.
var zipModTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// LambdaZip builds the main package in pkgDir as `bootstrap` for
// linux/goarch ("" means arm64) and writes the deployment package to
// zipPath. OS-only runtimes (provided.al2023) execute the file named
// bootstrap at the archive root, which must be executable
// (https://docs.aws.amazon.com/lambda/latest/dg/golang-package.html), so
// the zip is written here with mode 0755 in its header rather than left
// to a directory archiver that may drop the bit.
func LambdaZip(ctx context.Context, pkgDir, goarch, version, zipPath string) error {
	if goarch == "" {
		goarch = DefaultLambdaArch
	}
	// Lambda runs arm64 and x86_64 (Go's amd64) only.
	if goarch != "arm64" && goarch != "amd64" {
		return fmt.Errorf("build lambda zip: GOARCH %q (Lambda runs arm64 or amd64/x86_64): %w", goarch, ErrInvalidArch)
	}
	tmp, err := os.MkdirTemp("", "kirikae-lambda-")
	if err != nil {
		return fmt.Errorf("build lambda zip: %w", err)
	}
	defer os.RemoveAll(tmp)
	bootstrap := filepath.Join(tmp, "bootstrap")
	if err := Binary(ctx, pkgDir, "linux", goarch, version, bootstrap); err != nil {
		return fmt.Errorf("build lambda zip: %w", err)
	}
	if err := writeZip(bootstrap, zipPath); err != nil {
		return fmt.Errorf("build lambda zip: %w", err)
	}
	return nil
}

// writeZip writes a zip holding only bootstrap, atomically: a reader never
// sees half a zip, and a failed build leaves the previous one in place.
func writeZip(bootstrap, zipPath string) (err error) {
	src, err := os.Open(bootstrap)
	if err != nil {
		return fmt.Errorf("open bootstrap: %w", err)
	}
	defer src.Close()
	if err := os.MkdirAll(filepath.Dir(zipPath), 0o755); err != nil {
		return fmt.Errorf("create zip dir: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(zipPath), ".lambda-*.zip")
	if err != nil {
		return fmt.Errorf("create zip: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	zw := zip.NewWriter(f)
	hdr := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, Modified: zipModTime}
	hdr.SetMode(0o755) // also marks the entry as made on Unix so the mode is honoured
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return fmt.Errorf("add bootstrap to zip: %w", err)
	}
	if _, err := io.Copy(w, src); err != nil {
		return fmt.Errorf("write bootstrap to zip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("finish zip: %w", err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("chmod zip: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close zip: %w", err)
	}
	if err := os.Rename(f.Name(), zipPath); err != nil {
		return fmt.Errorf("move zip into place: %w", err)
	}
	return nil
}
