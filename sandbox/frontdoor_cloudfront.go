package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/kirikae/kirikae/cloud"
)

// servedFile is a CloudFront response built from an S3 object, or from a
// viewer-request function that answered itself.
type servedFile struct {
	release     string // release directory of the object, e.g. "r42" of releases/r42/…
	status      int
	contentType string
	headers     map[string]string
	body        []byte
}

// cloudFrontFile serves reqPath from the S3 origin of the distribution with
// this host name, or returns nil when host is not a distribution or its
// bucket holds no objects under the origin path (then the version answer
// applies, for sites never uploaded). The request goes the way CloudFront
// takes it: viewer-request function, edge cache, origin (with its access
// control), custom error responses.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/HowCloudFrontWorks.html
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
	now := time.Now()
	uri := reqPath
	if uri == "" {
		uri = "/"
	}
	if code, store, ok := viewerRequestFunction(ix, d); ok {
		ev := cfEvent{Version: "1.0",
			Context: map[string]string{"distributionDomainName": host, "distributionId": strOf(d, "id"), "eventType": "viewer-request"},
			Viewer:  map[string]string{"ip": "127.0.0.1"},
			Request: cfRequest{Method: http.MethodGet, URI: uri, Querystring: map[string]cfValue{},
				Headers: map[string]cfValue{"host": {Value: host}}, Cookies: map[string]cfValue{}}}
		req, resp, err := runViewerRequest(code, ev, func(key string) (string, bool) { return st.edgeValue(store, key, now) })
		if err != nil {
			// A function that fails answers 503 to the viewer.
			// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-503-service-unavailable.html
			return &servedFile{status: http.StatusServiceUnavailable, contentType: "text/plain; charset=utf-8",
				body: []byte("The CloudFront function associated with the distribution failed: " + err.Error() + "\n")}, nil
		}
		if resp != nil {
			return functionResponse(resp), nil
		}
		uri = req.URI
	}
	if root, _ := d["defaultRootObject"].(string); uri == "/" && root != "" {
		uri = "/" + root
	}
	dist := strOf(d, "id")
	cache := a.edge()
	if f, ok := cache.get(dist, uri, st.Invalidations[dist], now); ok {
		f.headers = withHeader(f.headers, "X-Cache", "Hit from cloudfront")
		return f, nil
	}
	f, err := a.fromOrigin(st, ix, d, origin, bucket, prefix, uri)
	if err != nil {
		return nil, err
	}
	if f.status == http.StatusOK {
		cache.put(dist, uri, *f, policyOf(d).ttl(f.headers["Cache-Control"]), now)
	}
	f.headers = withHeader(f.headers, "X-Cache", "Miss from cloudfront")
	return f, nil
}

// fromOrigin reads uri from the S3 origin, maps errors through the
// distribution's custom error responses, and returns what the viewer gets.
func (a *Account) fromOrigin(st *state, ix index, d, origin map[string]any, bucket, prefix, uri string) (*servedFile, error) {
	key := prefix + strings.TrimPrefix(uri, "/")
	status, f, err := a.s3Origin(st, ix, d, origin, bucket, key)
	if err != nil || f != nil {
		return f, err
	}
	// The error page comes from the origin too, without the function.
	// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/GeneratingCustomErrorResponses.html
	if page, code, ok := errorPage(d, status); ok {
		_, pf, err := a.s3Origin(st, ix, d, origin, bucket, prefix+strings.TrimPrefix(page, "/"))
		if err != nil {
			return nil, err
		}
		if pf != nil {
			pf.status = code
			return pf, nil
		}
	}
	msg := fmt.Sprintf("NoSuchKey: s3://%s/%s does not exist\n", bucket, key)
	if status == http.StatusForbidden {
		msg = "AccessDenied: Access Denied\n"
	}
	return &servedFile{release: releaseOf(key), status: status, contentType: "text/plain; charset=utf-8", body: []byte(msg)}, nil
}

// s3Origin fetches one key; a nil file comes with the error status S3 gave.
// Through an origin access control S3 decides by the bucket policy: no
// s3:GetObject for the distribution is 403; a missing key is 404 only
// with s3:ListBucket, 403 otherwise. Without one the request is
// anonymous: the sandbox lets it read, but nobody anonymous may list, so a
// missing key is 403.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
func (a *Account) s3Origin(st *state, ix index, d, origin map[string]any, bucket, key string) (int, *servedFile, error) {
	get, list := true, false
	if oac, _ := origin["originAccessControlId"].(string); oac != "" {
		get, list = bucketGrants(ix, bucket, strOf(d, "arn"))
	}
	if !get {
		return http.StatusForbidden, nil, nil
	}
	o, body, ok, err := a.readObject(st, bucket, key)
	if err != nil {
		return 0, nil, err
	}
	if !ok || strings.HasSuffix(key, "/") || key == "" {
		if list {
			return http.StatusNotFound, nil, nil
		}
		return http.StatusForbidden, nil, nil
	}
	f := &servedFile{release: releaseOf(key), status: http.StatusOK, contentType: contentType(o, key), body: body}
	if o.CacheControl != "" {
		f.headers = map[string]string{"Cache-Control": o.CacheControl}
	}
	return http.StatusOK, f, nil
}

// releaseOf is the release directory of an object key: "r2" of
// releases/r2/app.js.
func releaseOf(key string) string {
	parts := strings.SplitN(key, "/", 3)
	if len(parts) == 3 {
		return parts[1]
	}
	return ""
}

func withHeader(h map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for hk, hv := range h {
		if hk != k {
			out[hk] = hv
		}
	}
	return out
}

// viewerRequestFunction finds the CloudFront Function the default cache
// behaviour runs on viewer requests: its code (the LIVE stage, which
// publish keeps equal to the code) and the ARN of its key value store.
func viewerRequestFunction(ix index, d map[string]any) (code, store string, ok bool) {
	dcb, _ := d["defaultCacheBehavior"].(map[string]any)
	for _, raw := range listOf(dcb["functionAssociations"]) {
		fa, _ := raw.(map[string]any)
		if strOf(fa, "eventType") != "viewer-request" {
			continue
		}
		fns := ix.find(tokFunction, "arn", strOf(fa, "functionArn"))
		if len(fns) == 0 {
			continue
		}
		stores := listOf(fns[0]["keyValueStoreAssociations"])
		if len(stores) > 0 {
			store, _ = stores[0].(string)
		}
		return strOf(fns[0], "code"), store, true
	}
	return "", "", false
}

// functionResponse is a response the function generated itself.
func functionResponse(r *cfResponse) *servedFile {
	f := &servedFile{status: r.StatusCode, contentType: "text/plain; charset=utf-8", headers: map[string]string{}}
	for k, v := range r.Headers {
		if strings.EqualFold(k, "content-type") {
			f.contentType = v.Value
			continue
		}
		f.headers[http.CanonicalHeaderKey(k)] = v.Value
	}
	switch b := r.Body.(type) {
	case string:
		f.body = []byte(b)
	case map[string]any:
		s, _ := b["data"].(string)
		f.body = []byte(s)
	}
	return f
}

// policyOf is the cache policy of the default cache behaviour.
func policyOf(d map[string]any) cachePolicy {
	dcb, _ := d["defaultCacheBehavior"].(map[string]any)
	if p, ok := managedPolicies[strOf(dcb, "cachePolicyId")]; ok {
		return p
	}
	return cachePolicy{min: 0, def: 86400, max: 31536000} // the legacy defaults
}

// bucketGrants reads the bucket policy: may the distribution (by its ARN,
// through the cloudfront.amazonaws.com service principal) get objects and
// list the bucket?
func bucketGrants(ix index, bucket, distARN string) (get, list bool) {
	for _, p := range ix.find("aws:s3/bucketPolicy:BucketPolicy", "bucket", bucket) {
		var doc struct {
			Statement []struct {
				Effect    string
				Principal map[string]any
				Action    any
				Condition map[string]map[string]any
			}
		}
		if json.Unmarshal([]byte(strOf(p, "policy")), &doc) != nil {
			continue
		}
		for _, s := range doc.Statement {
			if s.Effect != "Allow" || s.Principal["Service"] != "cloudfront.amazonaws.com" {
				continue
			}
			if src, ok := s.Condition["StringEquals"]["AWS:SourceArn"]; ok && src != distARN {
				continue
			}
			for _, act := range actions(s.Action) {
				get = get || act == "s3:GetObject" || act == "s3:*"
				list = list || act == "s3:ListBucket" || act == "s3:*"
			}
		}
	}
	return get, list
}

func actions(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, a := range v {
			if s, ok := a.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
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
