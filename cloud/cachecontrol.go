package cloud

import (
	"path"
	"regexp"
)

// Cache-Control values of frontend objects.
const (
	// CacheImmutable is for content-hashed assets: their URL changes
	// whenever their content does, so browsers and CloudFront keep them a
	// year and never revalidate.
	// https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Cache-Control#immutable
	CacheImmutable = "public, max-age=31536000, immutable"
	// CacheRevalidate is for everything whose URL stays across releases
	// (index.html, kirikae-release.json, favicon.ico): a browser asks
	// again every time, so it sees a release switch at once.
	CacheRevalidate = "no-cache"
)

// hashedName matches names like app.a0a13285.js: a hash of at least 8 hex
// digits before the extension (web/README.md's build names them so).
// The viewer-request function (infra/cfjs/viewer_request.js) matches the
// same HashedPattern to send such names to the shared assets.
var hashedName = regexp.MustCompile(HashedPattern)

// HashedPattern is the regular expression of a content-hashed file name.
const HashedPattern = `\.[0-9a-f]{8,}\.[A-Za-z0-9]+$`

// CacheControl is the Cache-Control a frontend object is uploaded with.
func CacheControl(key string) string {
	if hashedName.MatchString(path.Base(key)) {
		return CacheImmutable
	}
	return CacheRevalidate
}
