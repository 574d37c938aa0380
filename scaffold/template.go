package scaffold

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
)

// BuiltFrom is the kirikae checkout this binary was compiled from, when
// its source paths are recorded (go run, go build without -trimpath) and it
// still holds a project; "" otherwise. kirikae init uses it when run
// outside a checkout, e.g. in the empty directory it should fill.
func BuiltFrom() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return ""
	}
	root := filepath.Dir(filepath.Dir(file))
	if IsTemplate(root) {
		return root
	}
	return ""
}

// IsTemplate reports whether dir looks like a kirikae checkout: a Go
// module with a Pulumi project.
func IsTemplate(dir string) bool {
	for _, name := range []string{"go.mod", "Pulumi.yaml", "Pulumi.staging.yaml"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || !st.Mode().IsRegular() {
			return false
		}
	}
	return true
}

func templateModule(dir string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return "", &NoTemplateError{Dir: dir, Reason: "no go.mod (" + err.Error() + ")"}
	}
	mod := modfile.ModulePath(raw)
	if mod == "" {
		return "", &NoTemplateError{Dir: dir, Reason: "its go.mod has no module line"}
	}
	return mod, nil
}

// neverCopied are directories that hold state, caches or build output,
// whatever the template's .gitignore says: the VCS, the sandbox account and
// passphrase (.kirikae), and dependencies a build fetched.
var neverCopied = []string{".git", ".kirikae", "node_modules"}

// rootBuildOutput are build output at the root only (web/dist, the example
// frontend the sandbox deploys, is source here).
var rootBuildOutput = []string{"dist", "bin"}

// templateFiles lists the files of the template that are its source: the
// files git tracks plus new ones it does not ignore (git ls-files), or,
// outside git, a walk that applies the root .gitignore's patterns.
func templateFiles(dir string) ([]string, error) {
	files, err := gitFiles(dir)
	if err != nil {
		files, err = walkFiles(dir)
	}
	if err != nil {
		return nil, fmt.Errorf("list the files of %s: %w", dir, err)
	}
	out := files[:0]
	for _, f := range files {
		if skipped(f) {
			continue
		}
		// A file deleted in the work tree is still listed by git.
		if st, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(f))); err != nil || st.IsDir() {
			continue
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, &NoTemplateError{Dir: dir, Reason: "it has no files to copy"}
	}
	return out, nil
}

func skipped(rel string) bool {
	parts := strings.Split(rel, "/")
	for i, p := range parts[:len(parts)-1] {
		if slices.Contains(neverCopied, p) || (i == 0 && slices.Contains(rootBuildOutput, p)) {
			return true
		}
	}
	return false
}

func gitFiles(dir string) ([]string, error) {
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		return nil, err // not a checkout's root: walk instead
	}
	cmd := exec.Command("git", "-C", dir, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var files []string
	for _, f := range strings.Split(string(out), "\x00") {
		if f != "" {
			files = append(files, f)
		}
	}
	return files, nil
}

// walkFiles is the fallback outside git (a template unpacked from an
// archive): every regular file, minus the root .gitignore's patterns in
// their common forms (name, /anchored, dir/, *.glob).
func walkFiles(dir string) ([]string, error) {
	ignore := readIgnore(filepath.Join(dir, ".gitignore"))
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if ignored(ignore, rel, d.IsDir()) || (d.IsDir() && slices.Contains(neverCopied, d.Name())) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			files = append(files, rel)
		}
		return nil
	})
	return files, err
}

func readIgnore(file string) []string {
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	var pats []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "!") {
			pats = append(pats, l)
		}
	}
	return pats
}

func ignored(pats []string, rel string, isDir bool) bool {
	for _, pat := range pats {
		dirOnly := strings.HasSuffix(pat, "/")
		pat = strings.TrimSuffix(pat, "/")
		if dirOnly && !isDir {
			continue
		}
		if anchored := strings.TrimPrefix(pat, "/"); anchored != pat || strings.Contains(pat, "/") {
			if ok, _ := path.Match(anchored, rel); ok {
				return true
			}
			continue
		}
		if ok, _ := path.Match(pat, path.Base(rel)); ok {
			return true
		}
	}
	return false
}
