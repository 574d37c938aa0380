// Package projectfs keeps the files kirikae reads from a project inside the
// project: configured paths are relative and contained (also after symlinks
// are resolved), and directory walks skip dotfiles and VCS/state directories
// (.git, .kirikae, .env, …) so a secret or checkout token is never uploaded
// to a bucket or zipped into a function.
package projectfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Hidden reports whether a file or directory name is never uploaded or
// zipped: dotfiles and dot-directories (.git, .hg, .svn, .kirikae, .env,
// .aws, …) and the VCS directories that do not start with a dot.
func Hidden(name string) bool {
	return strings.HasPrefix(name, ".") || slices.Contains([]string{"CVS", "_darcs"}, name)
}

// CheckRel checks a configured path's text: relative, not the project root
// itself, no "..", no hidden component. It touches no file.
func CheckRel(rel string) error {
	switch {
	case rel == "":
		return errors.New("is empty")
	case filepath.IsAbs(rel) || strings.HasPrefix(rel, "/") || strings.HasPrefix(rel, `\`):
		return errors.New("is an absolute path; use a path relative to the project root, e.g. web/dist")
	}
	clean := filepath.Clean(rel)
	if clean == "." {
		return errors.New("is the project root itself, which holds .kirikae (the passphrase and state) and .git; point it at the build output directory, e.g. web/dist")
	}
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		if part == ".." {
			return errors.New("leaves the project (..); use a path inside the project root")
		}
		if part != "." && part != "" && Hidden(part) {
			return fmt.Errorf("goes through %q, a hidden or VCS/state directory that kirikae never uploads or zips", part)
		}
	}
	return nil
}

// EscapeError means a path leads out of the project through a symlink.
type EscapeError struct {
	Path   string // as configured or walked
	Target string // where it really points
	Root   string // the directory it must stay in
}

func (e *EscapeError) Error() string {
	return fmt.Sprintf("%s resolves to %s, outside %s (symlinks may not leave it)", e.Path, e.Target, e.Root)
}

// Resolve checks rel with CheckRel and returns root/rel after making sure
// that neither it nor any existing parent is a symlink out of root. A path
// that does not exist yet (a build not run) is checked up to its nearest
// existing parent.
func Resolve(root, rel string) (string, error) {
	if err := CheckRel(rel); err != nil {
		return "", err
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", fmt.Errorf("resolve project root: %w", err)
	}
	full := filepath.Join(root, rel)
	probe := full
	for {
		real, err := filepath.EvalSymlinks(probe)
		if err == nil {
			if !inside(realRoot, real) || real == realRoot {
				return "", &EscapeError{Path: rel, Target: real, Root: realRoot}
			}
			return full, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("resolve %s: %w", rel, err)
		}
		parent := filepath.Dir(probe)
		if parent == probe || parent == filepath.Clean(root) {
			return full, nil
		}
		probe = parent
	}
}

func hiddenPath(rel string) bool {
	return slices.ContainsFunc(strings.Split(filepath.ToSlash(rel), "/"), Hidden)
}

func inside(root, p string) bool {
	r, err := filepath.Rel(root, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) && !filepath.IsAbs(r)
}

// File is one file a walk selected.
type File struct {
	Rel  string // slash-separated path relative to the walked directory
	Path string // the file to read (a symlink's resolved target)
}

// Files lists the regular files under dir, sorted, skipping Hidden names
// (and everything under a hidden directory). A symlink is followed only to
// a regular file inside dir; one that leads out of dir, or to a directory,
// is an *EscapeError or an error, never silently read.
func Files(dir string) ([]File, error) {
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", dir, err)
	}
	var out []File
	err = filepath.WalkDir(realDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != realDir && Hidden(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(realDir, path)
		if err != nil {
			return err
		}
		switch {
		case d.Type().IsRegular():
			out = append(out, File{Rel: filepath.ToSlash(rel), Path: path})
		case d.Type()&fs.ModeSymlink != 0:
			target, err := filepath.EvalSymlinks(path)
			if err != nil {
				return fmt.Errorf("resolve symlink %s: %w", rel, err)
			}
			if !inside(realDir, target) {
				return &EscapeError{Path: filepath.Join(dir, rel), Target: target, Root: realDir}
			}
			if trel, _ := filepath.Rel(realDir, target); hiddenPath(trel) {
				return fmt.Errorf("%s is a symlink into a hidden directory (%s), which kirikae never uploads or zips", filepath.Join(dir, rel), trel)
			}
			st, err := os.Stat(target)
			if err != nil {
				return err
			}
			if !st.Mode().IsRegular() {
				return fmt.Errorf("%s is a symlink to a directory; kirikae does not follow those, copy the files instead", filepath.Join(dir, rel))
			}
			out = append(out, File{Rel: filepath.ToSlash(rel), Path: target})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walk %s: %w", dir, err)
	}
	return out, nil
}
