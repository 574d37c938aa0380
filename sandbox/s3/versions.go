package s3

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
)

func registerLifecycle() {
	// A bucket's lifecycle configuration: stored, not acted on (the sandbox
	// does not age objects). Rules need a status of Enabled or Disabled:
	// https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRule.html
	core.Register(&core.TypeSpec{Token: core.TokLifecycle, Required: []string{"bucket", "rules"},
		Immutable: []string{"bucket", "expectedBucketOwner"},
		Check: func(e *core.Env) []string {
			rules, _ := core.Plain(e.Out["rules"].Mappable()).([]any)
			if len(rules) == 0 {
				return []string{"rules: a lifecycle configuration needs at least one rule"}
			}
			for i, r := range rules {
				m, _ := r.(map[string]any)
				if s := fmt.Sprint(m["status"]); s != "Enabled" && s != "Disabled" {
					return []string{fmt.Sprintf("rules: rule %d: status must be Enabled or Disabled, not %q", i, s)}
				}
			}
			return nil
		},
		Create: byBucket})
}

// withObjectVersions answers ListObjectVersions itself and hands every other
// request to next. The sandbox keeps one version of each key, so every
// object is listed as its only, latest version, with the id S3 gives objects
// stored without versioning, "null"; DeleteObjects with that version id
// removes it. This is what kirikae's destroy needs to empty a bucket the
// way it must on AWS, where a plain delete in a versioned bucket only adds
// a delete marker.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/AddingObjectstoVersionSuspendedBuckets.html
func withObjectVersions(a *core.Account, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bucket, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if _, ok := r.URL.Query()["versions"]; !ok || r.Method != http.MethodGet || bucket == "" || rest != "" {
			next.ServeHTTP(w, r)
			return
		}
		listObjectVersions(a, w, r, bucket)
	})
}

type objectVersion struct {
	Key          string `xml:"Key"`
	VersionID    string `xml:"VersionId"`
	IsLatest     bool   `xml:"IsLatest"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int    `xml:"Size"`
	StorageClass string `xml:"StorageClass"`
}

func listObjectVersions(a *core.Account, w http.ResponseWriter, r *http.Request, bucket string) {
	prefix := r.URL.Query().Get("prefix")
	var versions []objectVersion
	err := a.View(func(st *core.State) error {
		if _, rec := st.Find(core.TokBucket, bucket, ""); rec == nil {
			return core.NotFound("NoSuchBucket", "The specified bucket does not exist")
		}
		ix, err := st.Objs.Index(bucket)
		if err != nil {
			return err
		}
		for _, key := range ix.From(prefix) {
			if !strings.HasPrefix(key, prefix) {
				break
			}
			o := ix.Objs[key]
			b := &s3Backend{acct: a}
			versions = append(versions, objectVersion{Key: key, VersionID: "null", IsLatest: true,
				LastModified: core.Modified(o).UTC().Format(time.RFC3339), ETag: fmt.Sprintf("%q", fmt.Sprintf("%x", b.etag(o))),
				Size: o.Size, StorageClass: "STANDARD"})
		}
		return nil
	})
	if err != nil {
		core.WriteError(w, r, core.ProtoS3, core.AsAPIError(err))
		return
	}
	core.WriteXML(w, http.StatusOK, struct {
		XMLName     xml.Name        `xml:"ListVersionsResult"`
		Xmlns       string          `xml:"xmlns,attr"`
		Name        string          `xml:"Name"`
		Prefix      string          `xml:"Prefix"`
		MaxKeys     int             `xml:"MaxKeys"`
		IsTruncated bool            `xml:"IsTruncated"`
		Versions    []objectVersion `xml:"Version"`
	}{Xmlns: "http://s3.amazonaws.com/doc/2006-03-01/", Name: bucket, Prefix: prefix, MaxKeys: 1000, Versions: versions})
}
