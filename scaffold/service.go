package scaffold

import (
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/kirikae/kirikae/internal/projectfs"
)

// ServiceDirError is a --service-dir that cannot be the project's service.
type ServiceDirError struct {
	Dir    string
	Reason string
	// Dockerfile is set when the directory has a Dockerfile but no Go:
	// a service AWS could run that the sandbox cannot.
	Dockerfile bool
}

func (e *ServiceDirError) Error() string {
	return fmt.Sprintf("--service-dir %s %s", e.Dir, e.Reason)
}

// service is the team's Go main package, checked.
type service struct {
	dir     string
	files   []projectfs.File
	imports []string
	// hasVersion: a package-level Version the build sets with
	// -ldflags -X main.Version=<release>.
	hasVersion bool
}

// readService checks that dir is a Go main package.
//
// A directory with a Dockerfile and no Go files is refused (exit 2), not
// scaffolded with a note: AWS would run it from its Dockerfile, but the
// sandbox runs Go programs, so the new project's first command — a sandbox
// deploy — would run something else than AWS does, or fail. Refusing says
// so before anything is written; the team can init with the example
// service and put its Dockerfile in app/ (docs/init.md).
func readService(dir string) (*service, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", dir, err)
	}
	st, err := os.Stat(abs)
	if err != nil || !st.IsDir() {
		return nil, &ServiceDirError{Dir: dir, Reason: "is not a directory; point it at your service's Go main package (the directory with package main)"}
	}
	pkg, err := build.Default.ImportDir(abs, 0)
	var noGo *build.NoGoError
	switch {
	case errors.As(err, &noGo):
		if _, derr := os.Stat(filepath.Join(abs, "Dockerfile")); derr == nil {
			return nil, &ServiceDirError{Dir: dir, Dockerfile: true, Reason: "has a Dockerfile but no Go files: it deploys to AWS through its Dockerfile; the sandbox runs Go programs. Run kirikae init without --service-dir and put your Dockerfile in app/ (docs/init.md)"}
		}
		return nil, &ServiceDirError{Dir: dir, Reason: "has no Go files; point it at your service's Go main package"}
	case err != nil:
		return nil, &ServiceDirError{Dir: dir, Reason: "is not a Go package kirikae can read: " + err.Error()}
	case pkg.Name != "main":
		return nil, &ServiceDirError{Dir: dir, Reason: fmt.Sprintf("is package %s, not a main package; point it at the directory of your service's package main", pkg.Name)}
	}
	files, err := projectfs.Files(abs)
	if err != nil {
		return nil, &ServiceDirError{Dir: dir, Reason: "cannot be copied: " + err.Error()}
	}
	s := &service{dir: abs, files: files, imports: pkg.Imports}
	s.hasVersion, err = declaresVersion(abs, pkg.GoFiles)
	if err != nil {
		return nil, &ServiceDirError{Dir: dir, Reason: "does not parse: " + err.Error()}
	}
	return s, nil
}

// declaresVersion reports whether the package declares a package-level
// var Version.
func declaresVersion(dir string, files []string) (bool, error) {
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return false, err
		}
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.VAR {
				continue
			}
			for _, spec := range gen.Specs {
				if slices.ContainsFunc(spec.(*ast.ValueSpec).Names, func(n *ast.Ident) bool { return n.Name == "Version" }) {
					return true, nil
				}
			}
		}
	}
	return false, nil
}

// notes are what the team must do before the first deploy: fetch the
// modules its service imports that the template's go.mod does not
// require, and let the build set its version.
func (s *service) notes(template string) []string {
	var notes []string
	raw, _ := os.ReadFile(filepath.Join(template, "go.mod"))
	mf, _ := modfile.ParseLax("go.mod", raw, nil)
	var missing []string
	for _, imp := range s.imports {
		first, _, _ := strings.Cut(imp, "/")
		if !strings.Contains(first, ".") {
			continue // the standard library
		}
		if mf != nil && provided(mf, imp) {
			continue
		}
		missing = append(missing, imp)
	}
	if len(missing) > 0 {
		notes = append(notes, fmt.Sprintf("%s imports %s, which the new go.mod does not provide: run `go get` for them (or copy your own packages into the project) before deploying",
			ServicePath, strings.Join(missing, ", ")))
	}
	if !s.hasVersion {
		notes = append(notes, fmt.Sprintf("%s declares no `var Version string`: kirikae builds it with -ldflags \"-X main.Version=<release>\" and verifies each release by the version /version reports; add it (as the example server does) or the first deploy fails verification", ServicePath))
	}
	return notes
}

func provided(mf *modfile.File, imp string) bool {
	if mf.Module != nil && (imp == mf.Module.Mod.Path || strings.HasPrefix(imp, mf.Module.Mod.Path+"/")) {
		return true // renamed with the template's packages (a service grown from app/cmd/server)
	}
	for _, r := range mf.Require {
		if imp == r.Mod.Path || strings.HasPrefix(imp, r.Mod.Path+"/") {
			return true
		}
	}
	return false
}
