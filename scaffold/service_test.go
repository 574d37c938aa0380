package scaffold

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServiceDirReplacesTheExampleServer(t *testing.T) {
	tmpl := template(t)
	svc := t.TempDir()
	write(t, filepath.Join(svc, "main.go"), "package main\n\nimport (\n\t\"net/http\"\n\n\t\""+oldModule+"/infra\"\n\t\"github.com/stretchr/testify/assert\"\n)\n\nvar Version = \"dev\"\n\nfunc main() { _ = http.ListenAndServe(\":8080\", nil); _ = infra.X; _ = assert.True }\n")
	write(t, filepath.Join(svc, "static/index.html"), "hi\n")
	write(t, filepath.Join(svc, ".env"), "SECRET=1\n")
	dir := filepath.Join(t.TempDir(), "shop")
	res, err := New(Options{Template: tmpl, Dir: dir, Module: "github.com/acme/shop", ServiceDir: svc})
	require.NoError(t, err)
	assert.Empty(t, res.Notes, "stdlib, the template's own packages and a required module need nothing")
	server := filepath.Join(dir, ServicePath)
	assert.Contains(t, read(t, filepath.Join(server, "main.go")), "\"github.com/acme/shop/infra\"", "imports of the template renamed with it")
	assert.FileExists(t, filepath.Join(server, "static/index.html"))
	assert.NoFileExists(t, filepath.Join(server, "old.go"), "the example server is replaced, not merged")
	assert.NoFileExists(t, filepath.Join(server, ".env"), "hidden files are never copied")
	assert.FileExists(t, filepath.Join(dir, "app/cmd/lambda/handler.go"))
}

func TestServiceDirNotesWhatTheFirstDeployNeeds(t *testing.T) {
	tmpl := template(t)
	svc := t.TempDir()
	write(t, filepath.Join(svc, "main.go"), "package main\n\nimport \"github.com/acme/db\"\n\nfunc main() { db.Open() }\n")
	res, err := New(Options{Template: tmpl, Dir: filepath.Join(t.TempDir(), "shop"), ServiceDir: svc})
	require.NoError(t, err)
	require.Len(t, res.Notes, 2)
	assert.Contains(t, res.Notes[0], "app/cmd/server imports github.com/acme/db, which the new go.mod does not provide")
	assert.Contains(t, res.Notes[1], "declares no `var Version string`")
}

func TestServiceDirMustBeAGoMainPackage(t *testing.T) {
	tmpl := template(t)
	notMain := t.TempDir()
	write(t, filepath.Join(notMain, "lib.go"), "package lib\n")
	dockerOnly := t.TempDir()
	write(t, filepath.Join(dockerOnly, "Dockerfile"), "FROM python:3\n")
	write(t, filepath.Join(dockerOnly, "app.py"), "print('hi')\n")
	for _, tc := range []struct {
		name, dir, backend, want string
		dockerfile               bool
	}{
		{"not main", notMain, "", "--service-dir " + notMain + " is package lib, not a main package; point it at the directory of your service's package main", false},
		{"dockerfile only", dockerOnly, "", "--service-dir " + dockerOnly + " has a Dockerfile but no Go files: it deploys to AWS through its Dockerfile; the sandbox runs Go programs. Run kirikae init without --service-dir and put your Dockerfile in app/ (docs/init.md)", true},
		{"empty", t.TempDir(), "", "has no Go files; point it at your service's Go main package", false},
		{"missing", filepath.Join(t.TempDir(), "nope"), "", "is not a directory", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			_, err := New(Options{Template: tmpl, Dir: filepath.Join(parent, "shop"), ServiceDir: tc.dir, Backend: tc.backend})
			var svcErr *ServiceDirError
			require.True(t, errors.As(err, &svcErr), "%v", err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, tc.dockerfile, svcErr.Dockerfile)
			assert.Empty(t, leftovers(t, parent))
		})
	}
}

func TestServiceDirWithTheLambdaBackendIsRefused(t *testing.T) {
	tmpl := template(t)
	svc := t.TempDir()
	write(t, filepath.Join(svc, "main.go"), "package main\n\nvar Version = \"dev\"\n\nfunc main() {}\n")
	parent := t.TempDir()
	_, err := New(Options{Template: tmpl, Dir: filepath.Join(parent, "shop"), ServiceDir: svc, Backend: "lambda"})
	var input *InputError
	require.ErrorAs(t, err, &input)
	assert.Equal(t, "--service-dir", input.Flag)
	entries, err := os.ReadDir(parent)
	require.NoError(t, err)
	assert.Empty(t, entries)
}
