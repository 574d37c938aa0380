package cloud

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// With a shared prefix, a hashed file is stored once for every release: a
// second release sends only its changed files, an identical one sends
// nothing, and each lists the shared assets it references.
func TestSharedAssetsAreStoredOnce(t *testing.T) {
	m := newMem()
	files := map[string]string{"index.html": "<p>1</p>", "app.0a1b2c3d.js": "js", "css/site.1111aaaa.css": "css"}
	opts := UploadOptions{Shared: "assets/"}
	st, err := UploadRelease(t.Context(), m, "site", "releases/r1", writeFiles(t, files), opts)
	require.NoError(t, err)
	assert.Equal(t, 3, st.Uploaded)
	assert.Equal(t, []string{"app.0a1b2c3d.js", "css/site.1111aaaa.css"}, st.Assets)
	assert.Contains(t, m.objects, "site/assets/app.0a1b2c3d.js")
	assert.Contains(t, m.objects, "site/releases/r1/index.html")
	assert.NotContains(t, m.objects, "site/releases/r1/app.0a1b2c3d.js")

	files["index.html"] = "<p>2</p>"
	m.puts, m.copies = 0, 0
	opts.Previous = "releases/r1/"
	st, err = UploadRelease(t.Context(), m, "site", "releases/r2", writeFiles(t, files), opts)
	require.NoError(t, err)
	assert.Equal(t, UploadStats{Files: 3, Uploaded: 1, Skipped: 2, Assets: st.Assets}, st)
	assert.Equal(t, 1, m.puts, "only the changed page is sent")
	assert.Zero(t, m.copies)

	m.puts = 0
	opts.Previous = "releases/r2/"
	st, err = UploadRelease(t.Context(), m, "site", "releases/r3", writeFiles(t, files), opts)
	require.NoError(t, err)
	assert.Equal(t, 2, st.Skipped)
	assert.Equal(t, 1, st.Copied, "the unchanged page is copied server-side")
	assert.Zero(t, m.puts, "an identical release sends nothing")
}

// A hashed name whose content differs from the shared copy would change
// what every release referencing it serves: the upload refuses it.
func TestSharedAssetWithOtherContentIsRefused(t *testing.T) {
	m := newMem()
	opts := UploadOptions{Shared: "assets/"}
	_, err := UploadRelease(t.Context(), m, "site", "releases/r1", writeFiles(t, map[string]string{"app.0a1b2c3d.js": "one"}), opts)
	require.NoError(t, err)
	_, err = UploadRelease(t.Context(), m, "site", "releases/r2", writeFiles(t, map[string]string{"app.0a1b2c3d.js": "two"}), opts)
	assert.ErrorContains(t, err, "content-hashed names must change with their content")
	assert.Equal(t, "one", m.objects["site/assets/app.0a1b2c3d.js"].body)
}

// PruneAssets keeps what any release left in the bucket references — by
// its manifest, or, for a release from before sharing, by the hashed files
// in its own prefix — and deletes the rest.
func TestPruneAssetsKeepsWhatAnyReleaseReferences(t *testing.T) {
	m := newMem()
	put := func(key, body string) { m.objects["site/"+key] = memObject{body: body} }
	manifest := func(assets ...string) string {
		raw, err := json.Marshal(Manifest{Assets: assets})
		require.NoError(t, err)
		return string(raw)
	}
	put("releases/r2/"+AssetManifest, manifest("a.11111111.js", "b.22222222.js"))
	put("releases/r3/"+AssetManifest, manifest("b.22222222.js", "c.33333333.js"))
	put("releases/old/d.44444444.js", "legacy") // uploaded before sharing
	for _, a := range []string{"a.11111111.js", "b.22222222.js", "c.33333333.js", "d.44444444.js", "gone.55555555.js"} {
		put("assets/"+a, a)
	}
	n, err := PruneAssets(t.Context(), m, "site", "releases/", "assets/")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.NotContains(t, m.objects, "site/assets/gone.55555555.js")
	for _, a := range []string{"a.11111111.js", "b.22222222.js", "c.33333333.js", "d.44444444.js"} {
		assert.Contains(t, m.objects, "site/assets/"+a)
	}
}
