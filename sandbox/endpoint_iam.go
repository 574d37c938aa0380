package sandbox

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/iam"
)

// The endpoint authorises what a role's session asks, as AWS does before
// any service acts: the access key names the role, the request names the
// action and the resource, and the role's policies decide
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
// Requests signed with the sandbox's own key are the account
// administrator's, as they always were. S3 is authorised operation by
// operation (below); every other service through core.RequestAction, the
// one mapping of a request to its action and resource.

// authorize decides one verified request; nil lets it through.
func authorize(dir *iam.Directory, a *core.Account, key, svc, region string, r *http.Request, body []byte) *core.APIError {
	if !dir.IsRole(key) {
		return nil
	}
	token := r.Header.Get("X-Amz-Security-Token")
	var reqs []iam.Request
	switch {
	case svc == "s3":
		reqs = s3Requests(r, body)
	case svc == "sts" && core.QueryAction(r) == "GetCallerIdentity":
		// GetCallerIdentity needs no permission:
		// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
		return nil
	default:
		action, resource := core.RequestAction(svc, r, body, region, a.ID())
		reqs = []iam.Request{{Action: action, Resource: resource}}
	}
	for _, q := range reqs {
		err := dir.AuthorizeSession(key, token, q)
		if apiErr, ok := err.(*core.APIError); ok {
			return apiErr // an invalid or expired session token
		}
		if err != nil {
			if svc == "s3" {
				// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
				return &core.APIError{Status: http.StatusForbidden, Code: "AccessDenied", Message: err.Error()}
			}
			return core.AccessDenied(svc, r, err.Error())
		}
	}
	return nil
}

// s3SubResources maps a bucket sub-resource to its Get/Put actions:
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
var s3SubResources = map[string][2]string{
	"policy":            {"s3:GetBucketPolicy", "s3:PutBucketPolicy"},
	"versioning":        {"s3:GetBucketVersioning", "s3:PutBucketVersioning"},
	"tagging":           {"s3:GetBucketTagging", "s3:PutBucketTagging"},
	"lifecycle":         {"s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration"},
	"publicAccessBlock": {"s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
	"location":          {"s3:GetBucketLocation", "s3:GetBucketLocation"},
}

// s3Requests names the actions and resources of one path-style S3 request.
// DeleteObjects is authorised as s3:DeleteObject on each key it names, as
// S3 does.
func s3Requests(r *http.Request, body []byte) []iam.Request {
	path := strings.TrimPrefix(r.URL.Path, "/")
	bucket, key, hasKey := strings.Cut(path, "/")
	if bucket == "" {
		return []iam.Request{{Action: "s3:ListAllMyBuckets", Resource: "*"}}
	}
	q := r.URL.Query()
	bucketARN := "arn:aws:s3:::" + bucket
	one := func(action, resource string) []iam.Request {
		return []iam.Request{{Action: action, Resource: resource}}
	}
	if hasKey && key != "" {
		obj := bucketARN + "/" + key
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			if q.Has("versionId") {
				return one("s3:GetObjectVersion", obj)
			}
			return one("s3:GetObject", obj)
		case http.MethodPut:
			out := one("s3:PutObject", obj)
			if src := r.Header.Get("X-Amz-Copy-Source"); src != "" {
				src, _ = url.PathUnescape(strings.TrimPrefix(src, "/"))
				src, _, _ = strings.Cut(src, "?")
				out = append(out, iam.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::" + src})
			}
			return out
		case http.MethodDelete:
			if q.Has("versionId") {
				return one("s3:DeleteObjectVersion", obj)
			}
			return one("s3:DeleteObject", obj)
		}
		return one("s3:UnknownObjectOperation", obj)
	}
	for sub, actions := range s3SubResources {
		if q.Has(sub) {
			if r.Method == http.MethodGet {
				return one(actions[0], bucketARN)
			}
			return one(actions[1], bucketARN)
		}
	}
	switch {
	case r.Method == http.MethodPost && q.Has("delete"):
		var doc struct {
			Objects []struct {
				Key       string `xml:"Key"`
				VersionID string `xml:"VersionId"`
			} `xml:"Object"`
		}
		_ = xml.Unmarshal(body, &doc)
		var out []iam.Request
		for _, o := range doc.Objects {
			action := "s3:DeleteObject"
			if o.VersionID != "" {
				action = "s3:DeleteObjectVersion"
			}
			out = append(out, iam.Request{Action: action, Resource: bucketARN + "/" + o.Key})
		}
		return out
	case (r.Method == http.MethodGet || r.Method == http.MethodHead) && q.Has("versions"):
		return one("s3:ListBucketVersions", bucketARN)
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		return one("s3:ListBucket", bucketARN)
	case r.Method == http.MethodPut:
		return one("s3:CreateBucket", bucketARN)
	case r.Method == http.MethodDelete:
		return one("s3:DeleteBucket", bucketARN)
	}
	return one("s3:UnknownBucketOperation", bucketARN)
}
