package s3

import (
	"os"
	"path/filepath"

	"github.com/johannesboyne/gofakes3"

	"github.com/kirikae/kirikae/sandbox/core"
)

// bucketOwner is the account holding bucket: this one, or another account
// of the same sandbox (a sibling state directory, as each stack's account
// is). S3 bucket names are unique across all accounts, so a copy can name
// a bucket of another account:
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
// Reads across accounts are as the bucket policy allows (policy.go).
func bucketOwner(a *core.Account, bucket string) (*core.Account, error) {
	found := false
	if err := a.View(func(st *core.State) error { found = st.NeedBucketNamed(bucket) == nil; return nil }); err != nil {
		return nil, err
	}
	if found {
		return a, nil
	}
	entries, _ := os.ReadDir(filepath.Dir(a.Dir()))
	for _, e := range entries {
		dir := filepath.Join(filepath.Dir(a.Dir()), e.Name())
		if !e.IsDir() || dir == a.Dir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, core.AccountFile)); err != nil {
			continue
		}
		// Opened, not just read: an account from before the object store
		// has its objects moved out of account.json first.
		other, err := core.OpenAccount(dir)
		if err != nil {
			continue
		}
		if err := other.View(func(st *core.State) error { found = st.NeedBucketNamed(bucket) == nil; return nil }); err == nil && found {
			return other, nil
		}
	}
	return nil, gofakes3.BucketNotFound(bucket)
}
