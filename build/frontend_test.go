package build_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kirikae/kirikae/build"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
}

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		raw, err := os.ReadFile(p)
		got[filepath.ToSlash(rel)] = string(raw)
		return err
	}))
	return got
}

var refRE = regexp.MustCompile(`(?:src|href)="([^"]+)"`)

const page = `<link rel="stylesheet" href="style.css"><script src="app.js"></script>`

func TestHashedNamesChangeExactlyWithContent(t *testing.T) {
	src, out := t.TempDir(), t.TempDir()
	writeFiles(t, src, map[string]string{"index.html": page, "app.js": "one()", "style.css": "a{}"})
	first, err := build.Frontend(src, out)
	require.NoError(t, err)
	assert.Regexp(t, `^app\.[0-9a-f]{8}\.js$`, first["app.js"])
	assert.Regexp(t, `^style\.[0-9a-f]{8}\.css$`, first["style.css"])
	assert.Equal(t, "index.html", first["index.html"], "pages keep their names")

	again, err := build.Frontend(src, out)
	require.NoError(t, err)
	assert.Equal(t, first, again, "same content, same names")

	writeFiles(t, src, map[string]string{"app.js": "two()"})
	second, err := build.Frontend(src, out)
	require.NoError(t, err)
	assert.NotEqual(t, first["app.js"], second["app.js"], "changed content, new name")
	assert.Equal(t, first["style.css"], second["style.css"], "unchanged content, same name")

	built := readTree(t, out)
	assert.Len(t, built, 3, "the previous app.js is removed from the output")
	assert.Contains(t, built["index.html"], `src="`+second["app.js"]+`"`)
	assert.Equal(t, "two()", built[second["app.js"]])
}

func TestEveryReferenceInBuiltPagesExists(t *testing.T) {
	src, out := t.TempDir(), t.TempDir()
	writeFiles(t, src, map[string]string{
		"index.html":    `<link href="/css/site.css?v=1"><script src='js/app.js'></script><a href="#top"></a><a href="https://example.com/x.js"></a><img src="data:image/png;base64,AA"><a href="docs/">docs</a>`,
		"css/site.css":  "b{}",
		"js/app.js":     "x()",
		"docs/a.html":   `<img src="../img/logo.png"><a href="../index.html">home</a>`,
		"img/logo.png":  "\x89PNG",
		".DS_Store":     "junk",
		".hidden/x.txt": "junk",
	})
	names, err := build.Frontend(src, out)
	require.NoError(t, err)
	built := readTree(t, out)
	assert.NotContains(t, built, ".DS_Store")
	assert.Len(t, built, 5)

	index := built["index.html"]
	assert.Contains(t, index, `href="/`+names["css/site.css"]+`?v=1"`, "absolute refs stay absolute, query kept")
	assert.Contains(t, index, `src='`+names["js/app.js"]+`'`, "single quotes kept")
	assert.Contains(t, index, `href="#top"`)
	assert.Contains(t, index, `href="https://example.com/x.js"`)
	assert.Contains(t, index, `href="docs/"`)
	assert.Contains(t, built["docs/a.html"], `src="../`+names["img/logo.png"]+`"`)

	for _, m := range refRE.FindAllStringSubmatch(built["docs/a.html"], -1) {
		_, err := os.Stat(filepath.Join(out, "docs", m[1]))
		assert.NoError(t, err, "docs/a.html refers to %s", m[1])
	}
}

func TestMissingReferenceFails(t *testing.T) {
	src, out := t.TempDir(), t.TempDir()
	writeFiles(t, src, map[string]string{"index.html": `<script src="gone.js"></script>`})
	_, err := build.Frontend(src, out)
	require.ErrorIs(t, err, build.ErrMissingReference)
	assert.Contains(t, err.Error(), "gone.js")
}

func TestOverlappingDirsRefused(t *testing.T) {
	src := t.TempDir()
	writeFiles(t, src, map[string]string{"index.html": page, "app.js": "", "style.css": ""})
	_, err := build.Frontend(src, filepath.Join(src, "dist"))
	require.Error(t, err)
	_, err = build.Frontend(src, src)
	require.Error(t, err)
	_, err = build.Frontend(src, filepath.Dir(src))
	require.Error(t, err)
	assert.Len(t, readTree(t, src), 3, "nothing in the source was touched")
}

// The committed web/dist is what `kirikae:frontendDir` deploys: it must be
// the build of web/src. Rebuild with `go run ./build/cmd/artifact frontend`.
func TestCommittedWebDistIsUpToDate(t *testing.T) {
	out := t.TempDir()
	names, err := build.Frontend("../web/src", out)
	require.NoError(t, err)
	assert.Equal(t, readTree(t, out), readTree(t, "../web/dist"),
		"web/dist is stale: run go run ./build/cmd/artifact frontend")

	index := readTree(t, out)["index.html"]
	refs := refRE.FindAllStringSubmatch(index, -1)
	require.Len(t, refs, 2, "the page links its stylesheet and script")
	for _, m := range refs {
		_, err := os.Stat(filepath.Join(out, m[1]))
		assert.NoError(t, err, "index.html refers to %s", m[1])
	}
	assert.Contains(t, index, names["app.js"])
	assert.Contains(t, index, names["style.css"])
}
