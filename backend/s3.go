package backend

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// s3Store keeps objects under s3://bucket/<prefix>/.kirikae/, the way
// Pulumi's DIY backend keeps its own under .pulumi/. Create is a
// conditional PUT (If-None-Match: *), which S3 answers with 412 when the
// key exists:
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
type s3Store struct {
	client *s3.Client
	bucket string
	prefix string // ends with ".kirikae/"
}

// newS3Store parses a Pulumi DIY S3 backend URL:
// s3://bucket[/prefix][?region=R&endpoint=URL&s3ForcePathStyle=true&profile=P]
// (https://www.pulumi.com/docs/iac/concepts/state-and-backends/#aws-s3).
func newS3Store(ctx context.Context, u *url.URL, sub string) (*s3Store, error) {
	if u.Host == "" {
		return nil, &UnsupportedError{URL: u.String()}
	}
	q := u.Query()
	var opts []func(*config.LoadOptions) error
	if r := q.Get("region"); r != "" {
		opts = append(opts, config.WithRegion(r))
	}
	if p := q.Get("profile"); p != "" {
		opts = append(opts, config.WithSharedConfigProfile(p))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS config for backend %s: %w", redact(u.String()), err)
	}
	endpoint := q.Get("endpoint")
	pathStyle := q.Get("s3ForcePathStyle") == "true" || q.Get("use_path_style") == "true" || endpoint != ""
	if endpoint != "" && !strings.Contains(endpoint, "://") {
		endpoint = "https://" + endpoint
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
		o.UsePathStyle = pathStyle
	})
	return newS3On(client, u.Host, u.Path, sub), nil
}

// newS3On is a store under prefix/sub/ of bucket.
func newS3On(client *s3.Client, bucket, prefix, sub string) *s3Store {
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	if sub != "" {
		prefix += sub + "/"
	}
	return &s3Store{client: client, bucket: bucket, prefix: prefix}
}

// NewS3 returns the records store of the backend s3://bucket/prefix over
// an existing client (tests, the sandbox).
func NewS3(client *s3.Client, bucket, prefix string) Store {
	return newS3On(client, bucket, prefix, recordsDir)
}

// NewS3Files is OpenFiles of the backend s3://bucket/prefix over an
// existing client.
func NewS3Files(client *s3.Client, bucket, prefix string) Store {
	return newS3On(client, bucket, prefix, "")
}

func (s *s3Store) Location() string {
	return "s3://" + path.Join(s.bucket, strings.TrimSuffix(strings.TrimSuffix(s.prefix, recordsDir+"/"), "/"))
}

func (s *s3Store) Create(ctx context.Context, key string, data []byte) error {
	_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key),
		Body: bytes.NewReader(data), IfNoneMatch: aws.String("*"),
		ContentType: aws.String("application/json"),
	})
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && (apiErr.ErrorCode() == "PreconditionFailed" || apiErr.ErrorCode() == "ConditionalRequestConflict") {
		return ErrExists
	}
	if err != nil {
		return fmt.Errorf("write record s3://%s/%s%s: %w", s.bucket, s.prefix, key, err)
	}
	return nil
}

func (s *s3Store) Get(ctx context.Context, key string) ([]byte, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key)})
	var nsk *types.NoSuchKey
	if errors.As(err, &nsk) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read record s3://%s/%s%s: %w", s.bucket, s.prefix, key, err)
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

func (s *s3Store) List(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{
		Bucket: aws.String(s.bucket), Prefix: aws.String(s.prefix + prefix),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list records s3://%s/%s%s: %w", s.bucket, s.prefix, prefix, err)
		}
		for _, o := range page.Contents {
			keys = append(keys, strings.TrimPrefix(aws.ToString(o.Key), s.prefix))
		}
	}
	sort.Strings(keys)
	return keys, nil
}

// DeleteIf reads the object, compares it with want, and deletes it with
// If-Match on the ETag it read, so S3 refuses (412) when another writer
// replaced it in between:
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html
func (s *s3Store) DeleteIf(ctx context.Context, key string, want []byte) error {
	full := s.prefix + key
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(full)})
	var nsk *types.NoSuchKey
	if errors.As(err, &nsk) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("read record s3://%s/%s: %w", s.bucket, full, err)
	}
	got, err := io.ReadAll(out.Body)
	out.Body.Close()
	if err != nil {
		return fmt.Errorf("read record s3://%s/%s: %w", s.bucket, full, err)
	}
	if !bytes.Equal(got, want) {
		return ErrChanged
	}
	_, err = s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(full), IfMatch: out.ETag})
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "PreconditionFailed", "ConditionalRequestConflict":
			return ErrChanged
		case "NoSuchKey", "NotFound":
			return ErrNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("delete record s3://%s/%s: %w", s.bucket, full, err)
	}
	return nil
}
