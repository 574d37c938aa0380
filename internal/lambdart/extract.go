package lambdart

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Extract unpacks a deployment package into dir (which becomes a
// FunctionOptions.TaskRoot) keeping each entry's permission bits from the
// zip header, as Lambda does: a bootstrap whose header lacks the exec bit
// stays non-executable and the function then fails with
// Runtime.InvalidEntrypoint, exactly as deployed
// (https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-deployment.html).
func Extract(zipPath, dir string) error {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return fmt.Errorf("extract %s: %w", zipPath, err)
	}
	defer zr.Close()
	root, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("extract %s: %w", zipPath, err)
	}
	for _, zf := range zr.File {
		if err := extractEntry(zf, root); err != nil {
			return fmt.Errorf("extract %s: %w", zipPath, err)
		}
	}
	return nil
}

func extractEntry(zf *zip.File, root string) error {
	target := filepath.Join(root, filepath.FromSlash(zf.Name))
	if target != root && !strings.HasPrefix(target, root+string(filepath.Separator)) {
		return fmt.Errorf("entry %q escapes the task root", zf.Name)
	}
	mode := zf.Mode()
	switch {
	case mode.IsDir():
		return os.MkdirAll(target, 0o755)
	case !mode.IsRegular():
		return fmt.Errorf("entry %q: unsupported file type %s", zf.Name, mode.Type())
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	rc, err := zf.Open()
	if err != nil {
		return fmt.Errorf("open entry %q: %w", zf.Name, err)
	}
	defer rc.Close()
	f, err := os.OpenFile(target, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, rc); err != nil {
		f.Close()
		return fmt.Errorf("write entry %q: %w", zf.Name, err)
	}
	// Chmod after writing: the mode is exactly the header's, whatever the
	// umask.
	if err := f.Chmod(mode.Perm()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
