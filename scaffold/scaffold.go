// Package scaffold makes a new kirikae project from the kirikae checkout it
// is given: kirikae is a template repository a team owns, so a new project
// is a copy of its tracked source tree with the Go module path, the project
// name, the stack files' backend and region and, optionally, the team's own
// service set. It never prints and knows nothing of cobra; what a user can
// fix comes back as a typed error.
package scaffold

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"

	"golang.org/x/mod/module"

	"github.com/kirikae/kirikae/stacks"
)

// Options say what to make and where.
type Options struct {
	// Template is the kirikae checkout to copy (where Pulumi.yaml and
	// go.mod are).
	Template string
	// Dir is the new project's directory: absent or empty.
	Dir string
	// Module is the new Go module path; "" derives it from Dir's name.
	Module string
	// Name is the Pulumi project name and the resource name prefix
	// (kirikae:serviceName); "" derives it from Dir's name.
	Name string
	// Backend is ecs or lambda; "" keeps the template's.
	Backend string
	// Region is the AWS region of both stacks; "" keeps the template's.
	Region string
	// ServiceDir is the team's own Go main package, copied in place of the
	// example server (app/cmd/server); "" keeps the example.
	ServiceDir string
}

// Result is what was made.
type Result struct {
	Dir     string   // absolute path of the new project
	Module  string   // its Go module path
	Name    string   // its project name
	Backend string   // staging's backend
	Region  string   // staging's region
	Files   int      // files written
	Notes   []string // things the team should know (an import to fetch, …)
}

// InputError is an option the user can correct.
type InputError struct {
	Flag   string // the flag that carries it, e.g. "--name"
	Value  string
	Reason string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("%s %q %s", e.Flag, e.Value, e.Reason)
}

// NotEmptyError means Dir already holds files: init never mixes a new
// project into existing work.
type NotEmptyError struct{ Dir string }

func (e *NotEmptyError) Error() string {
	return fmt.Sprintf("%s is not empty; choose a new directory (kirikae init never writes into existing work)", e.Dir)
}

// NoTemplateError means Template is not a kirikae checkout.
type NoTemplateError struct {
	Dir    string
	Reason string
}

func (e *NoTemplateError) Error() string {
	return fmt.Sprintf("%s is not a kirikae checkout to copy: %s", e.Dir, e.Reason)
}

// ServicePath is where the ECS service's main package lives in a project
// (the Dockerfile, push-image and the sandbox build it from there).
const ServicePath = "app/cmd/server"

// stackNames are the stack files a project carries.
var stackNames = []string{"staging", "product"}

// New makes the project. Everything is written into a temporary directory
// beside Dir and renamed into place at the end, so a failure never leaves a
// half-written project behind.
func New(o Options) (Result, error) {
	p, err := plan(o)
	if err != nil {
		return Result{}, err
	}
	parent := filepath.Dir(p.dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return Result{}, fmt.Errorf("create %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(p.dir)+".kirikae-init-")
	if err != nil {
		return Result{}, fmt.Errorf("create temporary directory: %w", err)
	}
	keep := false
	defer func() {
		if !keep {
			_ = os.RemoveAll(tmp)
		}
	}()
	n, err := p.write(tmp)
	if err != nil {
		return Result{}, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return Result{}, fmt.Errorf("set mode of %s: %w", tmp, err)
	}
	// An empty Dir that exists (made by the user first) gives way to the
	// new one: os.Rename never replaces a directory. os.Remove removes
	// only an empty one, so work that appeared meanwhile stops the move.
	if err := os.Remove(p.dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return Result{}, &NotEmptyError{Dir: p.dir}
	}
	if err := os.Rename(tmp, p.dir); err != nil {
		return Result{}, fmt.Errorf("move the new project into %s: %w", p.dir, err)
	}
	keep = true
	return Result{Dir: p.dir, Module: p.module, Name: p.name, Backend: p.backend, Region: p.region, Files: n, Notes: p.notes}, nil
}

// project is a checked plan: every input validated, nothing written.
type project struct {
	template  string
	dir       string
	oldModule string
	module    string
	name      string
	backend   string
	region    string
	files     []string // template files, slash-separated, relative
	service   *service
	notes     []string
	old       templateNames // the template's names, for its generated docs
}

// templateNames are the names the template's own files carry: its Pulumi
// project, resource prefix (kirikae:serviceName), image repository and
// region, as its staging stack file and Pulumi.yaml give them.
type templateNames struct {
	project, service, repository, region string
}

func plan(o Options) (*project, error) {
	if o.Dir == "" {
		o.Dir = "."
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", o.Dir, err)
	}
	if err := checkEmpty(dir); err != nil {
		return nil, err
	}
	p := &project{dir: dir}
	if p.name, err = projectName(o.Name, dir); err != nil {
		return nil, err
	}
	if p.module, err = modulePath(o.Module, dir, p.name); err != nil {
		return nil, err
	}
	switch o.Backend {
	case "", stacks.BackendECS, stacks.BackendLambda:
	default:
		return nil, &InputError{Flag: "--backend", Value: o.Backend, Reason: "is not a backend: use ecs or lambda"}
	}
	if o.Region != "" && !slices.Contains(stacks.Regions(), o.Region) {
		return nil, &InputError{Flag: "--region", Value: o.Region, Reason: "is not an AWS region (e.g. us-east-1, eu-west-1)"}
	}
	if p.template, err = filepath.Abs(o.Template); err != nil {
		return nil, fmt.Errorf("resolve %s: %w", o.Template, err)
	}
	if inside(p.template, dir) && dir != p.template {
		// Not wrong for Go (a nested module), but the copy would hold
		// itself the next time, and git would see the project as
		// untracked files of the template.
		return nil, &InputError{Flag: "DIR", Value: o.Dir, Reason: "is inside the kirikae checkout it copies; choose a directory outside it, e.g. ../" + filepath.Base(dir)}
	}
	if p.oldModule, err = templateModule(p.template); err != nil {
		return nil, err
	}
	staging, err := stacks.Load(p.template, "staging")
	if err != nil {
		return nil, &NoTemplateError{Dir: p.template, Reason: err.Error()}
	}
	project, err := stacks.ProjectName(p.template)
	if err != nil {
		return nil, &NoTemplateError{Dir: p.template, Reason: err.Error()}
	}
	p.old = templateNames{project: project, service: staging.ServiceName, repository: staging.ImageRepository, region: staging.Region}
	p.backend = cmp.Or(o.Backend, staging.Backend)
	p.region = cmp.Or(o.Region, staging.Region)
	if o.ServiceDir != "" {
		if p.backend == stacks.BackendLambda {
			// The lambda backend runs app/cmd/lambda (an API Gateway
			// handler), not an HTTP server: the team's server would be
			// copied where nothing deploys it.
			return nil, &InputError{Flag: "--service-dir", Value: o.ServiceDir, Reason: "replaces the ECS server (" + ServicePath + "); the lambda backend runs app/cmd/lambda: use --backend ecs, or init without --service-dir and adapt app/cmd/lambda"}
		}
		if p.service, err = readService(o.ServiceDir); err != nil {
			return nil, err
		}
		p.notes = append(p.notes, p.service.notes(p.template)...)
	}
	if p.files, err = templateFiles(p.template); err != nil {
		return nil, err
	}
	return p, nil
}

func checkEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case errors.Is(err, syscall.ENOTDIR):
		return &InputError{Flag: "DIR", Value: dir, Reason: "is a file; choose a new directory"}
	case err != nil:
		return fmt.Errorf("read %s: %w", dir, err)
	case len(entries) > 0:
		return &NotEmptyError{Dir: dir}
	}
	return nil
}

var notNameChar = regexp.MustCompile(`[^a-z0-9-]+`)

// projectName checks --name, or derives one from dir's base name the way
// kirikae:serviceName must be (lowercase letter, then up to 15 lowercase
// letters, digits or -): it prefixes every resource name.
func projectName(name, dir string) (string, error) {
	if name != "" {
		if !stacks.ValidServiceName(name) {
			return "", &InputError{Flag: "--name", Value: name, Reason: "is not a valid project name (lowercase letter, then up to 15 lowercase letters, digits or -)"}
		}
		return name, nil
	}
	base := filepath.Base(dir)
	derived := strings.Trim(notNameChar.ReplaceAllString(strings.ToLower(base), "-"), "-")
	if len(derived) > 16 {
		derived = strings.TrimRight(derived[:16], "-")
	}
	if !stacks.ValidServiceName(derived) {
		return "", &InputError{Flag: "--name", Value: base, Reason: "(the directory's name) makes no valid project name; pass --name (lowercase letter, then up to 15 lowercase letters, digits or -)"}
	}
	return derived, nil
}

// modulePath checks --module, or derives it from dir's base name (else
// the project name): a module path without a dot builds and tests; the
// team changes it when it publishes the repository.
func modulePath(mod, dir, name string) (string, error) {
	if mod != "" {
		if err := module.CheckImportPath(mod); err != nil {
			return "", &InputError{Flag: "--module", Value: mod, Reason: "is not a Go module path (e.g. github.com/acme/shop)"}
		}
		return mod, nil
	}
	if base := filepath.Base(dir); module.CheckImportPath(base) == nil {
		return base, nil
	}
	return name, nil
}

func inside(root, p string) bool {
	r, err := filepath.Rel(root, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}
