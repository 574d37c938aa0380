package core

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
)

// S3 bucket names are one namespace across every account: "Amazon S3
// supports global buckets, which means that each bucket name must be unique
// across all AWS accounts in all the AWS Regions within a partition":
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
// CreateBucket under a name another account owns fails BucketAlreadyExists:
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
//
// The sandbox's partition is this machine: every sandbox account of every
// project of the user shares one registry of bucket names, kept in the
// user's state directory (SharedDir). A registry per project would let two
// projects both own "my-site", which AWS never allows, and hide the very
// collision a default bucket name meets on AWS. The registry only ever
// refuses for an account that still holds the bucket, so deleting a
// project's .kirikae (or a test's temp dir) frees its names.

const bucketsFile = "s3-buckets.json"

// SharedDir is where state shared by all sandbox accounts on this machine
// lives: $KIRIKAE_SANDBOX_SHARED, else $XDG_STATE_HOME/kirikae/sandbox,
// else ~/.local/state/kirikae/sandbox (the XDG default). "" when no home
// directory is known: buckets are then unique per account only.
func SharedDir() string {
	if d := os.Getenv("KIRIKAE_SANDBOX_SHARED"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "kirikae", "sandbox")
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".local", "state", "kirikae", "sandbox")
}

// IsolateShared points SharedDir at a new temporary directory unless
// KIRIKAE_SANDBOX_SHARED already names one, so a test binary's accounts
// share registries of their own instead of the user's; cleanup removes
// the directory it made.
func IsolateShared() (cleanup func(), err error) {
	if os.Getenv("KIRIKAE_SANDBOX_SHARED") != "" {
		return func() {}, nil
	}
	dir, err := os.MkdirTemp("", "kirikae-sandbox-shared-")
	if err != nil {
		return nil, fmt.Errorf("create sandbox shared dir: %w", err)
	}
	if err := os.Setenv("KIRIKAE_SANDBOX_SHARED", dir); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("set KIRIKAE_SANDBOX_SHARED: %w", err)
	}
	return func() { _ = os.RemoveAll(dir) }, nil
}

// bucketOwner is who owns a bucket name.
type bucketOwner struct {
	Account string `json:"account"` // account id
	Dir     string `json:"dir"`     // the account's state directory
}

// ClaimBucket records name as this account's, or fails BucketAlreadyExists
// when another live account owns it. The caller holds the account's lock;
// the registry lock is always taken after it, and other accounts are read
// without theirs, so two accounts never wait on each other.
func (a *Account) ClaimBucket(name string) error {
	return a.withBuckets(func(reg map[string]bucketOwner) (bool, error) {
		if o, ok := reg[name]; ok && o.Dir != a.Dir() && holdsBucket(o.Dir, name) {
			return false, &APIError{Code: "BucketAlreadyExists", Status: http.StatusConflict,
				Message: "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again."}
		}
		reg[name] = bucketOwner{Account: a.id, Dir: a.Dir()}
		return true, nil
	})
}

// ReleaseBucket frees name once this account deleted the bucket.
func (a *Account) ReleaseBucket(name string) error {
	return a.withBuckets(func(reg map[string]bucketOwner) (bool, error) {
		if o, ok := reg[name]; ok && o.Dir == a.Dir() {
			delete(reg, name)
			return true, nil
		}
		return false, nil
	})
}

// withBuckets runs fn on the registry under its lock and saves it when fn
// says it changed.
func (a *Account) withBuckets(fn func(map[string]bucketOwner) (bool, error)) error {
	if a.shared == "" {
		return nil
	}
	unlock, err := lockShared(a.shared, bucketsFile)
	if err != nil {
		return fmt.Errorf("lock bucket registry: %w", err)
	}
	defer unlock()
	path := filepath.Join(a.shared, bucketsFile)
	reg := map[string]bucketOwner{}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return fmt.Errorf("read bucket registry: %w", err)
	default:
		if err := json.Unmarshal(data, &reg); err != nil {
			return fmt.Errorf("read bucket registry: %s is corrupt; delete it to forget other accounts' buckets: %w", path, err)
		}
	}
	changed, err := fn(reg)
	if err != nil || !changed {
		return err
	}
	return writeAtomic(path, reg)
}

// holdsBucket reports whether the account in dir still has the bucket. Its
// file is read without its lock: writes replace it atomically, and taking
// another account's lock while holding ours could deadlock.
func holdsBucket(dir, name string) bool {
	data, err := os.ReadFile(filepath.Join(dir, AccountFile))
	if err != nil {
		return false
	}
	var st State
	if json.Unmarshal(data, &st) != nil {
		return true // unreadable: assume the owner is alive, as AWS would
	}
	_, r := st.Find(TokBucket, name, "")
	return r != nil
}
