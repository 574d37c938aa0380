package s3

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
)

// Cross-account reads. A bucket belongs to its account; another account's
// request is allowed only when the bucket's policy grants that account the
// action on the resource (its own IAM policy must allow it too, which the
// sandbox does not model), and an explicit Deny wins. A copy reads its
// source with the caller's credentials, so CopyObject from another
// account's bucket needs s3:GetObject there.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-policy-language-overview.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html

const tokBucketPolicy = "aws:s3/bucketPolicy:BucketPolicy"

// withBucketPolicies refuses, with S3's 403 AccessDenied, a request of this
// account that reads a bucket of another account whose policy does not
// grant it.
func withBucketPolicies(a *core.Account, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bucket, key, action := readOf(r)
		if bucket != "" {
			if err := checkCrossAccount(a, bucket, key, action); err != nil {
				core.WriteError(w, r, core.ProtoS3, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// readOf returns the bucket and key a request reads and the action that
// takes: a GET or HEAD of an object (s3:GetObject) or of a bucket
// (s3:ListBucket), or the source of a copy (x-amz-copy-source).
// Path-style addressing: /bucket/key.
func readOf(r *http.Request) (bucket, key, action string) {
	if src := r.Header.Get("X-Amz-Copy-Source"); src != "" && r.Method == http.MethodPut {
		src, _, _ = strings.Cut(src, "?") // ?versionId=
		if u, err := url.PathUnescape(src); err == nil {
			src = u
		}
		bucket, key, _ = strings.Cut(strings.TrimPrefix(src, "/"), "/")
		return bucket, key, "s3:GetObject"
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return "", "", ""
	}
	bucket, key, _ = strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if key == "" {
		return bucket, "", "s3:ListBucket"
	}
	return bucket, key, "s3:GetObject"
}

// checkCrossAccount allows any read of this account's own buckets, and of
// another account's only as its bucket policy says.
func checkCrossAccount(a *core.Account, bucket, key, action string) *core.APIError {
	own := false
	_ = a.View(func(st *core.State) error { own = st.NeedBucketNamed(bucket) == nil; return nil })
	if own {
		return nil
	}
	owner, err := bucketOwner(a, bucket)
	if err != nil {
		return nil // no such bucket: S3's own NoSuchBucket follows
	}
	resource := "arn:aws:s3:::" + bucket
	if key != "" {
		resource += "/" + key
	}
	var policy string
	_ = owner.View(func(st *core.State) error {
		if _, rec := st.Find(tokBucketPolicy, bucket, ""); rec != nil {
			outs, _ := core.Plain(rec.Outputs).(map[string]any)
			policy = core.StrOf(outs, "policy")
		}
		return nil
	})
	if bucketPolicyAllows(policy, a.ID(), action, resource) {
		return nil
	}
	return &core.APIError{Status: http.StatusForbidden, Code: "AccessDenied", Message: fmt.Sprintf(
		"User: arn:aws:iam::%s:root is not authorized to perform: %s on resource: \"%s\" because no resource-based policy allows the %s action",
		a.ID(), action, resource, action)}
}

// bucketPolicyAllows evaluates a bucket policy for a request of account:
// an Allow whose principal names the account (its root ARN, its id, or
// "*") and whose action and resource match, and no Deny that does.
// Statements with conditions never match here: the sandbox has no request
// context to evaluate them against, and CloudFront's (Service principal,
// aws:SourceArn) never name an account anyway.
func bucketPolicyAllows(policy, account, action, resource string) bool {
	var doc struct {
		Statement []struct {
			Effect    string
			Principal any
			Action    any
			Resource  any
			Condition map[string]any
		}
	}
	if policy == "" || json.Unmarshal([]byte(policy), &doc) != nil {
		return false
	}
	allowed := false
	for _, s := range doc.Statement {
		if len(s.Condition) > 0 || !namesAccount(s.Principal, account) ||
			!anyMatch(s.Action, action, true) || !anyMatch(s.Resource, resource, false) {
			continue
		}
		switch s.Effect {
		case "Deny":
			return false
		case "Allow":
			allowed = true
		}
	}
	return allowed
}

func namesAccount(principal any, account string) bool {
	if principal == "*" {
		return true
	}
	m, ok := principal.(map[string]any)
	if !ok {
		return false
	}
	for _, p := range strings_(m["AWS"]) {
		if p == "*" || p == account || p == "arn:aws:iam::"+account+":root" {
			return true
		}
	}
	return false
}

// anyMatch reports whether value matches one of the patterns (IAM
// wildcards * and ?); actions compare without case.
func anyMatch(patterns any, value string, fold bool) bool {
	for _, p := range strings_(patterns) {
		if fold {
			p, value = strings.ToLower(p), strings.ToLower(value)
		}
		if ok, _ := path.Match(strings.ReplaceAll(p, "/", "\x00"), strings.ReplaceAll(value, "/", "\x00")); ok {
			return true
		}
	}
	return false
}

// strings_ reads a policy element that is a string or a list of them.
func strings_(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
