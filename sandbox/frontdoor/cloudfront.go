package frontdoor

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/kirikae/kirikae/sandbox/cloudfront"
	"github.com/kirikae/kirikae/sandbox/core"
)

// cloudFrontFile serves reqPath from the S3 origin of the distribution with
// this host name, or returns nil when host is not a distribution. The
// request goes the way CloudFront takes it: viewer-request function, edge
// cache, origin (with its access control), custom error responses. An
// origin path with no objects under it answers what S3 answers for a
// missing key (403 or 404), through CloudFront.
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/HowCloudFrontWorks.html
func cloudFrontFile(a *core.Account, st *core.State, ix core.Index, host, reqPath string) (*cloudfront.ServedFile, error) {
	ds := ix.Find(core.TokDistribution, "domainName", host)
	if len(ds) == 0 {
		return nil, nil
	}
	d := ds[0]
	origin := defaultOrigin(d)
	domain, _ := origin["domainName"].(string)
	bucket, isS3 := bucketOfDomain(domain)
	if !isS3 {
		// The sandbox simulates S3 origins only: any other origin cannot
		// be reached, which CloudFront answers with 502.
		// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-502-bad-gateway.html
		return &cloudfront.ServedFile{Status: http.StatusBadGateway, ContentType: "text/plain; charset=utf-8",
			Body: []byte("502 ERROR: CloudFront wasn't able to connect to the origin " + domain + "\n")}, nil
	}
	originPath, _ := origin["originPath"].(string)
	prefix := strings.Trim(originPath, "/")
	if prefix != "" {
		prefix += "/"
	}
	now := time.Now()
	uri := reqPath
	if uri == "" {
		uri = "/"
	}
	if code, store, ok := viewerRequestFunction(ix, d); ok {
		ev := cloudfront.CFEvent{Version: "1.0",
			Context: map[string]string{"distributionDomainName": host, "distributionId": core.StrOf(d, "id"), "eventType": "viewer-request"},
			Viewer:  map[string]string{"ip": "127.0.0.1"},
			Request: cloudfront.CFRequest{Method: http.MethodGet, URI: uri, Querystring: map[string]cloudfront.CFValue{},
				Headers: map[string]cloudfront.CFValue{"host": {Value: host}}, Cookies: map[string]cloudfront.CFValue{}}}
		req, resp, err := cloudfront.RunViewerRequest(code, ev, func(key string) (string, bool) { return cloudfront.EdgeValue(st, store, key, now) })
		if err != nil {
			// A function that fails answers 503 to the viewer.
			// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-503-service-unavailable.html
			return &cloudfront.ServedFile{Status: http.StatusServiceUnavailable, ContentType: "text/plain; charset=utf-8",
				Body: []byte("The CloudFront function associated with the distribution failed: " + err.Error() + "\n")}, nil
		}
		if resp != nil {
			return FunctionResponse(resp), nil
		}
		uri = req.URI
	}
	if root, _ := d["defaultRootObject"].(string); uri == "/" && root != "" {
		uri = "/" + root
	}
	dist := core.StrOf(d, "id")
	cache := cloudfront.Edge(a)
	if f, ok := cache.Get(dist, uri, st.Invalidations[dist], now); ok {
		f.Headers = withHeader(f.Headers, "X-Cache", "Hit from cloudfront")
		return f, nil
	}
	f, err := fromOrigin(a, st, ix, d, origin, bucket, prefix, uri)
	if err != nil {
		return nil, err
	}
	if f.Status == http.StatusOK {
		cache.Put(dist, uri, *f, policyOf(d).Ttl(f.Headers["Cache-Control"]), now)
	}
	f.Headers = withHeader(f.Headers, "X-Cache", "Miss from cloudfront")
	return f, nil
}

// fromOrigin reads uri from the S3 origin, maps errors through the
// distribution's custom error responses, and returns what the viewer gets.
func fromOrigin(a *core.Account, st *core.State, ix core.Index, d, origin map[string]any, bucket, prefix, uri string) (*cloudfront.ServedFile, error) {
	key := prefix + strings.TrimPrefix(uri, "/")
	status, f, err := s3Origin(a, st, ix, d, origin, bucket, key)
	if err != nil || f != nil {
		return f, err
	}
	// The error page comes from the origin too, without the function.
	// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/GeneratingCustomErrorResponses.html
	if page, code, ok := errorPage(d, status); ok {
		_, pf, err := s3Origin(a, st, ix, d, origin, bucket, prefix+strings.TrimPrefix(page, "/"))
		if err != nil {
			return nil, err
		}
		if pf != nil {
			pf.Status = code
			return pf, nil
		}
	}
	msg := fmt.Sprintf("NoSuchKey: s3://%s/%s does not exist\n", bucket, key)
	if status == http.StatusForbidden {
		msg = "AccessDenied: Access Denied\n"
	}
	return &cloudfront.ServedFile{Release: releaseOf(key), Status: status, ContentType: "text/plain; charset=utf-8", Body: []byte(msg)}, nil
}

// s3Origin fetches one key; a nil file comes with the error status S3 gave.
// Through an origin access control S3 decides by the bucket policy: no
// s3:GetObject for the distribution is 403; a missing key is 404 only
// with s3:ListBucket, 403 otherwise. Without one the request is
// anonymous: the sandbox lets it read, but nobody anonymous may list, so a
// missing key is 403.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
func s3Origin(a *core.Account, st *core.State, ix core.Index, d, origin map[string]any, bucket, key string) (int, *cloudfront.ServedFile, error) {
	get, list := true, false
	if oac, _ := origin["originAccessControlId"].(string); oac != "" {
		get, list = bucketGrants(ix, bucket, core.StrOf(d, "arn"))
	}
	if !get {
		return http.StatusForbidden, nil, nil
	}
	o, body, ok, err := a.ReadObject(st, bucket, key)
	if err != nil {
		return 0, nil, err
	}
	if !ok || strings.HasSuffix(key, "/") || key == "" {
		if list {
			return http.StatusNotFound, nil, nil
		}
		return http.StatusForbidden, nil, nil
	}
	f := &cloudfront.ServedFile{Release: releaseOf(key), Status: http.StatusOK, ContentType: core.ContentType(o), Body: body}
	if o.CacheControl != "" {
		f.Headers = map[string]string{"Cache-Control": o.CacheControl}
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
func viewerRequestFunction(ix core.Index, d map[string]any) (code, store string, ok bool) {
	dcb, _ := d["defaultCacheBehavior"].(map[string]any)
	for _, raw := range core.ListOf(dcb["functionAssociations"]) {
		fa, _ := raw.(map[string]any)
		if core.StrOf(fa, "eventType") != "viewer-request" {
			continue
		}
		fns := ix.Find(core.TokFunction, "arn", core.StrOf(fa, "functionArn"))
		if len(fns) == 0 {
			continue
		}
		stores := core.ListOf(fns[0]["keyValueStoreAssociations"])
		if len(stores) > 0 {
			store, _ = stores[0].(string)
		}
		return core.StrOf(fns[0], "code"), store, true
	}
	return "", "", false
}

// FunctionResponse is a response the function generated itself.
func FunctionResponse(r *cloudfront.CFResponse) *cloudfront.ServedFile {
	f := &cloudfront.ServedFile{Status: r.StatusCode, ContentType: "text/plain; charset=utf-8", Headers: map[string]string{}}
	for k, v := range r.Headers {
		if strings.EqualFold(k, "content-type") {
			f.ContentType = v.Value
			continue
		}
		f.Headers[http.CanonicalHeaderKey(k)] = v.Value
	}
	switch b := r.Body.(type) {
	case string:
		f.Body = []byte(b)
	case map[string]any:
		s, _ := b["data"].(string)
		f.Body = []byte(s)
	}
	return f
}

// policyOf is the cache policy of the default cache behaviour.
func policyOf(d map[string]any) cloudfront.CachePolicy {
	dcb, _ := d["defaultCacheBehavior"].(map[string]any)
	if p, ok := cloudfront.ManagedPolicies[core.StrOf(dcb, "cachePolicyId")]; ok {
		return p
	}
	return cloudfront.CachePolicy{Min: 0, Def: 86400, Max: 31536000} // the legacy defaults
}

// bucketGrants reads the bucket policy: may the distribution (by its ARN,
// through the cloudfront.amazonaws.com service principal) get objects and
// list the bucket?
func bucketGrants(ix core.Index, bucket, distARN string) (get, list bool) {
	for _, p := range ix.Find("aws:s3/bucketPolicy:BucketPolicy", "bucket", bucket) {
		var doc struct {
			Statement []struct {
				Effect    string
				Principal map[string]any
				Action    any
				Condition map[string]map[string]any
			}
		}
		if json.Unmarshal([]byte(core.StrOf(p, "policy")), &doc) != nil {
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
		if core.Number(r["errorCode"]) != code {
			continue
		}
		page, _ = r["responsePagePath"].(string)
		if page == "" {
			return "", 0, false
		}
		status = core.Number(r["responseCode"])
		if status == 0 {
			status = code
		}
		return page, status, true
	}
	return "", 0, false
}
