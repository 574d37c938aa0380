package scaffold

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/internal/testproject"
	"github.com/kirikae/kirikae/stacks"
)

const oldModule = "example.com/tmpl"

// template makes a small kirikae-shaped checkout: the real stack files, a
// module whose Go code imports itself, the example server's place, state
// and build output that must not be copied.
func template(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":                    "module " + oldModule + "\n\ngo 1.26\n\nrequire github.com/stretchr/testify v1.12.1\n",
		"tools/pulumi/go.mod":       "module " + oldModule + "/tools/pulumi\n\ngo 1.26\n",
		"Pulumi.yaml":               "name: kirikae\nruntime: go\n",
		"cmd/main.go":               "package main\n\nimport (\n\t\"fmt\"\n\n\t\"" + oldModule + "/infra\"\n\t\"github.com/zzz/other\"\n)\n\nfunc main() { fmt.Println(infra.X, other.Y) }\n",
		"infra/yours.go":            "package infra\n\nconst X = 1\n",
		"app/cmd/server/main.go":    "package main\n\nvar Version = \"dev\"\n\nfunc main() {}\n",
		"app/cmd/server/old.go":     "package main\n",
		".github/workflows/pr.yml":  "on: pull_request\n",
		".kirikae/passphrase":       "secret\n",
		"dist/lambda.zip":           "zip",
		"web/dist/index.html":       "<html></html>\n",
		".gitignore":                ".kirikae/\n/dist/\n*.test\n",
		"scripts/test":              "#!/bin/sh\n",
		"internal/cli/cli.test":     "binary",
		"web/node_modules/x/x.js":   "x",
		"docs/init.md":              "# init\n",
		"app/cmd/lambda/handler.go": "package main\n\nfunc main() {}\n",
	}
	for name, text := range files {
		write(t, filepath.Join(dir, name), text)
	}
	require.NoError(t, os.Chmod(filepath.Join(dir, "scripts/test"), 0o755))
	for _, stack := range []string{"staging", "product"} {
		raw, err := os.ReadFile(filepath.Join("..", "Pulumi."+stack+".yaml"))
		require.NoError(t, err)
		write(t, filepath.Join(dir, "Pulumi."+stack+".yaml"), string(raw))
	}
	return dir
}

// rolesDoc is the shape of docs/roles.md: prose naming kirikae's commands
// and config, and policies generated for a project's stacks: names from
// its stack files (service, repository, region) and Pulumi.yaml (project).
func rolesDoc(project, service, repository, region string) string {
	return "kirikae iam policy --stack staging --role deploy:staging; kirikae:serviceName\n" +
		`"arn:aws:ecr:` + region + `:${aws:PrincipalAccount}:repository/` + repository + `"` + "\n" +
		`"arn:aws:ecs:` + region + `:${aws:PrincipalAccount}:service/` + service + `-staging/*"` + "\n" +
		`"arn:aws:sns:` + region + `:${aws:PrincipalAccount}:` + service + `-product-alarms"` + "\n" +
		`"arn:aws:s3:::team-state/.kirikae/locks/` + project + `/staging.json"` + "\n" +
		`"arn:aws:s3:::team-state/.pulumi/stacks/` + project + `/product.json*"` + "\n"
}

func write(t *testing.T, path, text string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
}

func read(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(raw)
}

func TestNewSetsModuleNameBackendAndRegion(t *testing.T) {
	tmpl := template(t)
	dir := filepath.Join(t.TempDir(), "shop")
	res, err := New(Options{Template: tmpl, Dir: dir, Module: "github.com/acme/shop", Name: "shop", Backend: "lambda", Region: "eu-west-1"})
	require.NoError(t, err)
	assert.Equal(t, Result{Dir: dir, Module: "github.com/acme/shop", Name: "shop", Backend: "lambda", Region: "eu-west-1", Files: res.Files}, res)

	assert.Contains(t, read(t, filepath.Join(dir, "go.mod")), "module github.com/acme/shop\n")
	assert.Contains(t, read(t, filepath.Join(dir, "tools/pulumi/go.mod")), "module github.com/acme/shop/tools/pulumi\n")
	// Renamed, and re-sorted as gofmt would: the new path sorts before
	// github.com/zzz.
	assert.Contains(t, read(t, filepath.Join(dir, "cmd/main.go")), "\t\"github.com/acme/shop/infra\"\n\t\"github.com/zzz/other\"\n")
	assert.NotContains(t, read(t, filepath.Join(dir, "cmd/main.go")), oldModule)
	assert.Equal(t, "name: shop\nruntime: go\n", read(t, filepath.Join(dir, "Pulumi.yaml")))
	for _, stack := range []string{"staging", "product"} {
		c, err := stacks.Load(dir, stack)
		require.NoError(t, err)
		assert.Equal(t, "eu-west-1", c.Region, stack)
		assert.Equal(t, stacks.BackendLambda, c.Backend, stack)
		assert.Equal(t, "shop", c.ServiceName, stack)
		assert.Equal(t, "shop-api", c.ImageRepository, stack)
	}
	// Everything else as in the template, comments and order kept.
	tmplStaging := read(t, filepath.Join(tmpl, "Pulumi.staging.yaml"))
	newStaging := read(t, filepath.Join(dir, "Pulumi.staging.yaml"))
	assert.Equal(t, strings.Count(tmplStaging, "\n"), strings.Count(newStaging, "\n"))
	assert.Contains(t, newStaging, "  kirikae:imageTag: v1\n")

	for _, kept := range []string{"infra/yours.go", ".github/workflows/pr.yml", "web/dist/index.html", "app/cmd/server/main.go", "app/cmd/lambda/handler.go", "docs/init.md", ".gitignore"} {
		assert.FileExists(t, filepath.Join(dir, kept))
	}
	for _, left := range []string{".kirikae", "dist", "internal/cli/cli.test", "web/node_modules"} {
		assert.NoFileExists(t, filepath.Join(dir, left))
		assert.NoDirExists(t, filepath.Join(dir, left))
	}
	st, err := os.Stat(filepath.Join(dir, "scripts/test"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755), st.Mode().Perm(), "scripts stay executable")
}

// docs/roles.md holds policies a test of the new project regenerates for
// its own stacks and compares: init gives them the project's names and
// region, and leaves kirikae's command and config names alone.
func TestNewRenamesTheGeneratedRolesDoc(t *testing.T) {
	tmpl := template(t)
	old, err := stacks.Load(tmpl, "staging") // this repository's names: kirikae's, or a renamed project's
	require.NoError(t, err)
	write(t, filepath.Join(tmpl, "docs/roles.md"), rolesDoc("kirikae", old.ServiceName, old.ImageRepository, old.Region))
	name, region := "orders", "ap-south-1"
	if old.ServiceName == name || old.Region == region {
		name, region = "billing", "eu-central-1"
	}
	dir := filepath.Join(t.TempDir(), name)
	_, err = New(Options{Template: tmpl, Dir: dir, Name: name, Region: region})
	require.NoError(t, err)
	assert.Equal(t, rolesDoc(name, name, name+"-api", region), read(t, filepath.Join(dir, "docs/roles.md")))
}

func TestNewDerivesNameAndModuleFromTheDirectory(t *testing.T) {
	tmpl := template(t)
	dir := filepath.Join(t.TempDir(), "Order_Service")
	res, err := New(Options{Template: tmpl, Dir: dir})
	require.NoError(t, err)
	assert.Equal(t, "order-service", res.Name)
	assert.Equal(t, "Order_Service", res.Module)
	// The template's (this project's own stack file, whatever init set).
	tmplStaging, err := stacks.Load(tmpl, "staging")
	require.NoError(t, err)
	assert.Equal(t, tmplStaging.Backend, res.Backend)
	assert.Equal(t, tmplStaging.Region, res.Region)
	c, err := stacks.Load(dir, "staging")
	require.NoError(t, err)
	assert.Equal(t, "order-service", c.ServiceName)
}

func TestNewFromAGitCheckoutCopiesWhatGitTracksOrWouldTrack(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		testproject.MissingTool(t, "git: %v", err)
	}
	tmpl := template(t)
	for _, args := range [][]string{{"init", "-q"}, {"add", "go.mod", "Pulumi.yaml"}} {
		out, err := exec.Command("git", append([]string{"-C", tmpl}, args...)...).CombinedOutput()
		require.NoError(t, err, string(out))
	}
	write(t, filepath.Join(tmpl, "notes.log"), "ignored by a pattern added below\n")
	write(t, filepath.Join(tmpl, ".gitignore"), ".kirikae/\n/dist/\n*.test\n*.log\n")
	dir := filepath.Join(t.TempDir(), "shop")
	_, err := New(Options{Template: tmpl, Dir: dir})
	require.NoError(t, err)
	assert.FileExists(t, filepath.Join(dir, "go.mod"), "tracked")
	assert.FileExists(t, filepath.Join(dir, "infra/yours.go"), "untracked, not ignored")
	assert.NoFileExists(t, filepath.Join(dir, "notes.log"), "ignored")
	assert.NoDirExists(t, filepath.Join(dir, ".git"))
	assert.NoDirExists(t, filepath.Join(dir, ".kirikae"))
}

// leftovers lists what a failed New left in parent: nothing, ever.
func leftovers(t *testing.T, parent string) []string {
	t.Helper()
	entries, err := os.ReadDir(parent)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestNewRefusesANonEmptyDirectoryAndWritesNothing(t *testing.T) {
	tmpl := template(t)
	parent := t.TempDir()
	dir := filepath.Join(parent, "shop")
	write(t, filepath.Join(dir, "notes.txt"), "mine\n")
	_, err := New(Options{Template: tmpl, Dir: dir})
	var notEmpty *NotEmptyError
	require.ErrorAs(t, err, &notEmpty)
	assert.Equal(t, []string{"shop"}, leftovers(t, parent))
	assert.Equal(t, []string{"notes.txt"}, leftovers(t, dir))

	// An empty directory is fine (the user made it first).
	empty := filepath.Join(parent, "empty")
	require.NoError(t, os.Mkdir(empty, 0o755))
	_, err = New(Options{Template: tmpl, Dir: empty, Name: "empty"})
	require.NoError(t, err)
	assert.FileExists(t, filepath.Join(empty, "go.mod"))
}

func TestNewRefusesBadInputAndWritesNothing(t *testing.T) {
	tmpl := template(t)
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"name", Options{Name: "Shop!"}, `--name "Shop!" is not a valid project name (lowercase letter, then up to 15 lowercase letters, digits or -)`},
		{"derived name", Options{Dir: "123"}, `--name "123" (the directory's name) makes no valid project name; pass --name (lowercase letter, then up to 15 lowercase letters, digits or -)`},
		{"module", Options{Module: "bad path"}, `--module "bad path" is not a Go module path (e.g. github.com/acme/shop)`},
		{"backend", Options{Backend: "k8s"}, `--backend "k8s" is not a backend: use ecs or lambda`},
		{"region", Options{Region: "mars-1"}, `--region "mars-1" is not an AWS region (e.g. us-east-1, eu-west-1)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			tc.o.Template = tmpl
			tc.o.Dir = filepath.Join(parent, cmpOr(tc.o.Dir, "shop"))
			_, err := New(tc.o)
			var input *InputError
			require.ErrorAs(t, err, &input)
			assert.EqualError(t, err, tc.want)
			assert.Empty(t, leftovers(t, parent))
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func TestNewLeavesNothingWhenItFailsHalfWay(t *testing.T) {
	tmpl := template(t)
	// A Go file that no longer parses once renamed cannot be formatted:
	// New fails after writing part of the project.
	write(t, filepath.Join(tmpl, "zz/broken.go"), "package zz\n\nimport \""+oldModule+"/infra\"\n\nfunc {\n")
	parent := t.TempDir()
	_, err := New(Options{Template: tmpl, Dir: filepath.Join(parent, "shop")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "format zz/broken.go after renaming its imports")
	assert.Empty(t, leftovers(t, parent))
}

func TestNewRefusesATemplateThatIsNoCheckout(t *testing.T) {
	_, err := New(Options{Template: t.TempDir(), Dir: filepath.Join(t.TempDir(), "shop")})
	var noTemplate *NoTemplateError
	require.ErrorAs(t, err, &noTemplate)
}

func TestNewRefusesADirectoryInsideTheTemplate(t *testing.T) {
	tmpl := template(t)
	_, err := New(Options{Template: tmpl, Dir: filepath.Join(tmpl, "shop")})
	var input *InputError
	require.ErrorAs(t, err, &input)
	assert.NoDirExists(t, filepath.Join(tmpl, "shop"))
}

func TestRewriteImportsKeepsTheFileGofmtSorted(t *testing.T) {
	src := "package x\n\nimport (\n\t\"example.com/tmpl/infra\"\n\t\"github.com/mmm/other\"\n)\n\nvar _ = infra.X\nvar _ = other.Y\n"
	out, err := rewriteImports("x.go", []byte(src), oldModule, "zz.example/shop")
	require.NoError(t, err)
	assert.Contains(t, string(out), "import (\n\t\"github.com/mmm/other\"\n\t\"zz.example/shop/infra\"\n)\n")
	// A path that merely starts like the module is not the module.
	same, err := rewriteImports("y.go", []byte("package y\n\nimport \"example.com/tmplx/z\"\n"), oldModule, "zz.example/shop")
	require.NoError(t, err)
	assert.Equal(t, "package y\n\nimport \"example.com/tmplx/z\"\n", string(same))
}

func TestNewRefusesAFileAsDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "shop")
	write(t, file, "mine\n")
	_, err := New(Options{Template: template(t), Dir: file})
	var input *InputError
	require.ErrorAs(t, err, &input)
	assert.Equal(t, "mine\n", read(t, file))
}

func TestBuiltFromIsTheCheckoutThisWasCompiledIn(t *testing.T) {
	got := BuiltFrom()
	if got == "" {
		t.Skip("compiled with -trimpath: no source paths to find the checkout by")
	}
	want, err := filepath.Abs("..")
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.True(t, IsTemplate(got))
	assert.False(t, IsTemplate(t.TempDir()))
}
