package sandbox

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/kirikae/kirikae/cloud"
)

// servedFile is a CloudFront response built from an S3 object.
type servedFile struct {
	release     string // last segment of the origin path, e.g. "r42"
	status      int
	contentType string
	body        []byte
}

// cloudFrontFile serves reqPath from the S3 origin of the distribution with
// this host name, or returns nil when host is not a distribution or its
// origin path holds no objects (then the version answer applies).
func (a *Account) cloudFrontFile(st *state, ix index, host, reqPath string) (*servedFile, error) {
	ds := ix.find(tokDistribution, "domainName", host)
	if len(ds) == 0 {
		return nil, nil
	}
	d := ds[0]
	origin := defaultOrigin(d)
	domain, _ := origin["domainName"].(string)
	bucket, isS3 := bucketOfDomain(domain)
	if !isS3 {
		return nil, nil
	}
	originPath, _ := origin["originPath"].(string)
	prefix := strings.Trim(originPath, "/")
	if prefix != "" {
		prefix += "/"
	}
	if !st.hasObjectsUnder(bucket, prefix) {
		return nil, nil
	}
	f := &servedFile{release: lastSegment(strings.TrimSuffix(originPath, "/"), "/")}
	key := strings.TrimPrefix(reqPath, "/")
	if key == "" {
		key, _ = d["defaultRootObject"].(string)
	}
	o, body, ok, err := a.readObject(st, bucket, prefix+key)
	if err != nil {
		return nil, err
	}
	if ok && key != "" {
		f.status, f.contentType, f.body = http.StatusOK, contentType(o, key), body
		return f, nil
	}
	// Single-page apps map S3's "missing" to their index page with
	// customErrorResponses; S3 behind an origin access control says 403
	// for a missing key, so both codes count.
	for _, code := range []int{http.StatusNotFound, http.StatusForbidden} {
		page, status, ok := errorPage(d, code)
		if !ok {
			continue
		}
		o, body, ok, err := a.readObject(st, bucket, prefix+strings.TrimPrefix(page, "/"))
		if err != nil {
			return nil, err
		}
		if ok {
			f.status, f.contentType, f.body = status, contentType(o, page), body
			return f, nil
		}
	}
	f.status, f.contentType = http.StatusNotFound, "text/plain; charset=utf-8"
	f.body = fmt.Appendf(nil, "NoSuchKey: s3://%s/%s does not exist\n", bucket, prefix+key)
	return f, nil
}

// defaultOrigin is the origin the default cache behaviour targets, or the
// first origin when that cannot be told.
func defaultOrigin(d map[string]any) map[string]any {
	origins, _ := d["origins"].([]any)
	behavior, _ := d["defaultCacheBehavior"].(map[string]any)
	target, _ := behavior["targetOriginId"].(string)
	for _, o := range origins {
		if o, _ := o.(map[string]any); o != nil && target != "" && o["originId"] == target {
			return o
		}
	}
	if len(origins) > 0 {
		o, _ := origins[0].(map[string]any)
		return o
	}
	return nil
}

// bucketOfDomain reads the bucket from an S3 origin domain such as
// site.s3.us-east-1.amazonaws.com or site.s3.amazonaws.com.
func bucketOfDomain(domain string) (string, bool) {
	for _, sep := range []string{".s3.", ".s3-"} {
		if b, _, ok := strings.Cut(domain, sep); ok && b != "" {
			return b, true
		}
	}
	return "", false
}

// errorPage finds a custom error response for code.
func errorPage(d map[string]any, code int) (page string, status int, ok bool) {
	responses, _ := d["customErrorResponses"].([]any)
	for _, r := range responses {
		r, _ := r.(map[string]any)
		if number(r["errorCode"]) != code {
			continue
		}
		page, _ = r["responsePagePath"].(string)
		if page == "" {
			return "", 0, false
		}
		status = number(r["responseCode"])
		if status == 0 {
			status = code
		}
		return page, status, true
	}
	return "", 0, false
}

// number reads a property the provider may hold as a number or a string.
func number(v any) int {
	switch v := v.(type) {
	case float64:
		return int(v)
	case string:
		var n int
		_, _ = fmt.Sscan(v, &n)
		return n
	}
	return 0
}

func contentType(o object, key string) string {
	if o.ContentType != "" {
		return o.ContentType
	}
	return cloud.ContentType(key)
}
