package build

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// ErrMissingReference: an HTML file refers to a local file the source
// does not have; the page would 404 once deployed.
var ErrMissingReference = errors.New("reference to a missing file")

// hashLen is how many hex digits of the content's SHA-256 go into a name:
// 32 bits, plenty to tell a few releases of one file apart.
const hashLen = 8

// attrRE finds src="…" and href="…" (double or single quoted) in HTML.
var attrRE = regexp.MustCompile(`(?i)\b(src|href)(\s*=\s*)("([^"]*)"|'([^']*)')`)

// Frontend copies the static site in srcDir to outDir, renaming every file
// except HTML pages to name.<8-hex-sha256>.ext and rewriting the src/href
// references in the pages to match. Asset names then change exactly when
// their content does, so CloudFront and browsers may cache them forever
// while the pages (fixed names) stay small and short-lived. Files in outDir
// that the build did not produce are removed. It returns each source path's
// output path (slash-separated, relative).
//
// Only HTML references are rewritten: an asset that names another asset
// (a url() in CSS, an import in JS) is not supported.
func Frontend(srcDir, outDir string) (map[string]string, error) {
	if err := checkDirs(srcDir, outDir); err != nil {
		return nil, err
	}
	files, err := readTree(srcDir)
	if err != nil {
		return nil, fmt.Errorf("build frontend: %w", err)
	}
	names := map[string]string{}
	for rel, data := range files {
		names[rel] = hashedName(rel, data)
	}
	out := map[string][]byte{}
	for rel, data := range files {
		if isHTML(rel) {
			if data, err = rewriteRefs(rel, data, names); err != nil {
				return nil, fmt.Errorf("build frontend: %w", err)
			}
		}
		out[names[rel]] = data
	}
	if err := writeTree(outDir, out); err != nil {
		return nil, fmt.Errorf("build frontend: %w", err)
	}
	return names, nil
}

func checkDirs(srcDir, outDir string) error {
	src, err := filepath.Abs(srcDir)
	if err != nil {
		return fmt.Errorf("build frontend: %w", err)
	}
	dst, err := filepath.Abs(outDir)
	if err != nil {
		return fmt.Errorf("build frontend: %w", err)
	}
	// outDir is cleaned of stale files: it must not overlap the source.
	if within(dst, src) || within(src, dst) {
		return fmt.Errorf("build frontend: output %s overlaps source %s", outDir, srcDir)
	}
	return nil
}

func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func isHTML(rel string) bool {
	ext := strings.ToLower(path.Ext(rel))
	return ext == ".html" || ext == ".htm"
}

func hashedName(rel string, data []byte) string {
	if isHTML(rel) {
		return rel
	}
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])[:hashLen]
	ext := path.Ext(rel)
	return strings.TrimSuffix(rel, ext) + "." + h + ext
}

// readTree reads every regular file under dir, keyed by slash path;
// dotfiles (.DS_Store, editor swap files) are not part of a site.
func readTree(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != dir {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("read %s: no files", dir)
	}
	return files, nil
}

// rewriteRefs points the page's local src/href values at the hashed names.
// External URLs, fragments and directory links are left alone; a local
// file that does not exist is an error.
func rewriteRefs(page string, data []byte, names map[string]string) ([]byte, error) {
	var missing []string
	outText := attrRE.ReplaceAllStringFunc(string(data), func(m string) string {
		sub := attrRE.FindStringSubmatch(m)
		quote, val := `"`, sub[4]
		if strings.HasPrefix(sub[3], "'") {
			quote, val = "'", sub[5]
		}
		ref, suffix := splitSuffix(val)
		if !isLocalFile(ref) {
			return m
		}
		target := path.Clean(path.Join(path.Dir(page), ref))
		if strings.HasPrefix(ref, "/") {
			target = strings.TrimPrefix(path.Clean(ref), "/")
		}
		hashed, ok := names[target]
		if !ok {
			missing = append(missing, val)
			return m
		}
		// Only the last element changes: the file stays in its directory,
		// so the reference keeps its relative or absolute form.
		newRef := strings.TrimSuffix(ref, path.Base(ref)) + path.Base(hashed)
		return sub[1] + sub[2] + quote + newRef + suffix + quote
	})
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, fmt.Errorf("%s: %w: %s", page, ErrMissingReference, strings.Join(slices.Compact(missing), ", "))
	}
	return []byte(outText), nil
}

func splitSuffix(v string) (ref, suffix string) {
	if i := strings.IndexAny(v, "?#"); i >= 0 {
		return v[:i], v[i:]
	}
	return v, ""
}

// isLocalFile is false for URLs with a scheme (https:, data:, mailto:),
// protocol-relative URLs, empty or fragment-only values and directories.
func isLocalFile(ref string) bool {
	switch {
	case ref == "", strings.HasSuffix(ref, "/"), strings.HasPrefix(ref, "//"):
		return false
	case strings.Contains(ref, ":"):
		return false
	}
	return true
}

// writeTree writes files into dir and removes files there that are not
// among them (assets of earlier builds).
func writeTree(dir string, files map[string][]byte) error {
	for rel, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("create %s: %w", filepath.Dir(p), err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if _, keep := files[filepath.ToSlash(rel)]; !keep {
			if err := os.Remove(p); err != nil {
				return fmt.Errorf("remove stale %s: %w", p, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("clean %s: %w", dir, err)
	}
	return nil
}
