package cloud

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Shared assets. A content-hashed file (app.1a2b3c4d.js: its name changes
// whenever its content does) is stored once for every release, under the
// bucket's shared prefix (assets/), and the viewer-request function sends
// requests for such names there. So a release costs what changed: an
// unchanged asset is neither sent nor copied again, and a page of any
// release still in the bucket finds its assets after a switch. Each
// release lists the shared assets it references in its manifest
// (releases/<id>/kirikae-assets.json); PruneAssets deletes the shared
// assets no release left in the bucket references.

// AssetManifest is the name of a release's list of the shared assets it
// references, stored in the release's prefix.
const AssetManifest = "kirikae-assets.json"

// Manifest is a release's AssetManifest.
type Manifest struct {
	// Assets are the paths of the release's content-hashed files,
	// relative to the shared prefix (and to the site root).
	Assets []string `json:"assets"`
}

// IsHashed reports whether a file is content-addressed (CacheControl's
// rule): such a file is stored once under the shared prefix.
func IsHashed(rel string) bool { return hashedName.MatchString(path.Base(rel)) }

// GetObject reads one object's body.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
func (a *AWS) GetObject(ctx context.Context, bucket, key string) ([]byte, error) {
	out, err := a.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("get s3://%s/%s: %w", bucket, key, err)
	}
	defer out.Body.Close()
	body, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, fmt.Errorf("read s3://%s/%s: %w", bucket, key, err)
	}
	return body, nil
}

// DeleteObjects deletes keys, up to S3's 1,000 per request.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
func (a *AWS) DeleteObjects(ctx context.Context, bucket string, keys []string) (int, error) {
	n := 0
	for batch := range slices.Chunk(keys, deleteBatch) {
		ids := make([]s3types.ObjectIdentifier, len(batch))
		for i, k := range batch {
			ids[i] = s3types.ObjectIdentifier{Key: aws.String(k)}
		}
		out, err := a.s3.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: aws.String(bucket),
			Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)},
		})
		if err != nil {
			return n, fmt.Errorf("delete objects in s3://%s: %w", bucket, err)
		}
		n += len(ids) - len(out.Errors)
		if len(out.Errors) > 0 {
			e := out.Errors[0]
			return n, fmt.Errorf("delete s3://%s/%s: %s: %s (and %d more)", bucket, aws.ToString(e.Key),
				aws.ToString(e.Code), aws.ToString(e.Message), len(out.Errors)-1)
		}
	}
	return n, nil
}

// ReleaseAssets returns the shared assets the release at prefix references:
// its manifest's, and, for a release uploaded before assets were shared,
// the content-hashed files in its own prefix.
func ReleaseAssets(ctx context.Context, c Cloud, bucket, prefix string) ([]string, error) {
	objs, err := c.ListObjects(ctx, bucket, prefix)
	if err != nil {
		return nil, fmt.Errorf("list s3://%s/%s: %w", bucket, prefix, err)
	}
	var out []string
	for _, o := range objs {
		rel := strings.TrimPrefix(o.Key, prefix)
		switch {
		case rel == AssetManifest:
			raw, err := c.GetObject(ctx, bucket, o.Key)
			if err != nil {
				return nil, err
			}
			var m Manifest
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, fmt.Errorf("read asset manifest s3://%s/%s: %w", bucket, o.Key, err)
			}
			out = append(out, m.Assets...)
		case IsHashed(rel):
			out = append(out, rel)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// PruneAssets deletes the shared assets under shared that no release left
// under releasesPrefix references, and returns how many. Run it after
// Prune, under the deploy lock: a release being uploaded concurrently
// would lose assets it has not yet listed.
func PruneAssets(ctx context.Context, c Cloud, bucket, releasesPrefix, shared string) (int, error) {
	releases, err := c.ListPrefixes(ctx, bucket, releasesPrefix)
	if err != nil {
		return 0, fmt.Errorf("list releases: %w", err)
	}
	keep := map[string]bool{}
	for _, id := range releases {
		assets, err := ReleaseAssets(ctx, c, bucket, releasesPrefix+id+"/")
		if err != nil {
			return 0, err
		}
		for _, a := range assets {
			keep[a] = true
		}
	}
	objs, err := c.ListObjects(ctx, bucket, shared)
	if err != nil {
		return 0, fmt.Errorf("list s3://%s/%s: %w", bucket, shared, err)
	}
	var gone []string
	for _, o := range objs {
		if !keep[strings.TrimPrefix(o.Key, shared)] {
			gone = append(gone, o.Key)
		}
	}
	if len(gone) == 0 {
		return 0, nil
	}
	return c.DeleteObjects(ctx, bucket, gone)
}
