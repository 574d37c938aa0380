package cloud

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// AWS is Cloud over real AWS with aws-sdk-go-v2.
type AWS struct {
	s3   *s3.Client
	cf   *cloudfront.Client
	ecs  *ecs.Client
	ecr  *ecr.Client
	cw   *cloudwatch.Client
	fn   *lambda.Client
	ssm  *ssm.Client
	logs *cloudwatchlogs.Client
	sns  *sns.Client
	http *http.Client
}

var _ Cloud = (*AWS)(nil)

// deleteBatch is S3's DeleteObjects limit.
const deleteBatch = 1000

// NewAWS uses the default credential chain (environment, shared config and
// SSO profiles, instance or task roles) in region.
func NewAWS(ctx context.Context, region string) (Cloud, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
	if err != nil {
		return nil, fmt.Errorf("load AWS config: %w", err)
	}
	return newAWS(cfg, ""), nil
}

// Endpoint points the data plane at an AWS-compatible endpoint instead of
// AWS, such as the kirikae sandbox's: the same calls, another address.
type Endpoint struct {
	URL                          string // e.g. http://127.0.0.1:41234; every service answers there
	Region                       string
	AccessKeyID, SecretAccessKey string // static credentials the endpoint accepts
	SessionToken                 string // with temporary credentials (a role session)
	// HTTPClient is the client verification uses, e.g. one that reaches the
	// endpoint's simulated load balancers; nil means a plain client.
	HTTPClient *http.Client
}

// NewAt returns the data plane against e, with path-style S3 addressing
// (an endpoint on an IP address has no bucket subdomains).
func NewAt(e Endpoint) Cloud {
	cfg := aws.Config{
		Region:      e.Region,
		Credentials: credentials.NewStaticCredentialsProvider(e.AccessKeyID, e.SecretAccessKey, e.SessionToken),
	}
	a := newAWS(cfg, e.URL)
	if e.HTTPClient != nil {
		a.http = e.HTTPClient
	}
	return a
}

// newAWS builds the clients; a non-empty endpoint sends every call there
// (with path-style S3 addressing), which is how tests fake AWS.
func newAWS(cfg aws.Config, endpoint string) *AWS {
	var base *string
	if endpoint != "" {
		base = aws.String(endpoint)
	}
	return &AWS{
		s3: s3.NewFromConfig(cfg, func(o *s3.Options) {
			if base != nil {
				o.BaseEndpoint, o.UsePathStyle = base, true
			}
		}),
		cf:   cloudfront.NewFromConfig(cfg, func(o *cloudfront.Options) { o.BaseEndpoint = base }),
		ecs:  ecs.NewFromConfig(cfg, func(o *ecs.Options) { o.BaseEndpoint = base }),
		ecr:  ecr.NewFromConfig(cfg, func(o *ecr.Options) { o.BaseEndpoint = base }),
		cw:   cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) { o.BaseEndpoint = base }),
		fn:   lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.BaseEndpoint = base }),
		ssm:  ssm.NewFromConfig(cfg, func(o *ssm.Options) { o.BaseEndpoint = base }),
		logs: cloudwatchlogs.NewFromConfig(cfg, func(o *cloudwatchlogs.Options) { o.BaseEndpoint = base }),
		sns:  sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = base }),
		http: &http.Client{Timeout: 10 * time.Second},
	}
}

func (a *AWS) PutObject(ctx context.Context, bucket, key string, body []byte, contentType string) error {
	_, err := a.s3.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key),
		Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body))),
		ContentType: aws.String(contentType),
	})
	if err != nil {
		return fmt.Errorf("put s3://%s/%s: %w", bucket, key, err)
	}
	return nil
}

func (a *AWS) ListPrefixes(ctx context.Context, bucket, prefix string) ([]string, error) {
	var out []string
	pages := s3.NewListObjectsV2Paginator(a.s3, &s3.ListObjectsV2Input{
		Bucket: aws.String(bucket), Prefix: aws.String(prefix), Delimiter: aws.String("/"),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list s3://%s/%s: %w", bucket, prefix, err)
		}
		for _, cp := range page.CommonPrefixes {
			dir := strings.TrimSuffix(strings.TrimPrefix(aws.ToString(cp.Prefix), prefix), "/")
			out = append(out, dir)
		}
	}
	// S3 lists in UTF-8 binary order already; sorting keeps the contract
	// independent of that.
	slices.Sort(out)
	return out, nil
}

func (a *AWS) DeletePrefix(ctx context.Context, bucket, prefix string) (int, error) {
	n := 0
	pages := s3.NewListObjectsV2Paginator(a.s3, &s3.ListObjectsV2Input{
		Bucket: aws.String(bucket), Prefix: aws.String(prefix), MaxKeys: aws.Int32(deleteBatch),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return n, fmt.Errorf("list s3://%s/%s: %w", bucket, prefix, err)
		}
		if len(page.Contents) == 0 {
			continue
		}
		ids := make([]s3types.ObjectIdentifier, 0, len(page.Contents))
		for _, o := range page.Contents {
			ids = append(ids, s3types.ObjectIdentifier{Key: o.Key})
		}
		out, err := a.s3.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: aws.String(bucket),
			Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)},
		})
		if err != nil {
			return n, fmt.Errorf("delete objects under s3://%s/%s: %w", bucket, prefix, err)
		}
		// DeleteObjects succeeds as a call even when single keys fail.
		n += len(ids) - len(out.Errors)
		if len(out.Errors) > 0 {
			e := out.Errors[0]
			return n, fmt.Errorf("delete s3://%s/%s: %s: %s (and %d more)", bucket, aws.ToString(e.Key),
				aws.ToString(e.Code), aws.ToString(e.Message), len(out.Errors)-1)
		}
	}
	return n, nil
}

func (a *AWS) Invalidate(ctx context.Context, distributionID string, paths []string) error {
	_, err := a.createInvalidation(ctx, distributionID, paths)
	return err
}

// createInvalidation asks CloudFront to drop paths and returns the
// invalidation's id.
func (a *AWS) createInvalidation(ctx context.Context, distributionID string, paths []string) (string, error) {
	if len(paths) == 0 {
		return "", errNoPaths
	}
	ref, err := callerReference()
	if err != nil {
		return "", err
	}
	out, err := a.cf.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{
		DistributionId: aws.String(distributionID),
		InvalidationBatch: &cftypes.InvalidationBatch{
			CallerReference: aws.String(ref),
			Paths:           &cftypes.Paths{Quantity: aws.Int32(int32(len(paths))), Items: paths},
		},
	})
	if err != nil {
		return "", fmt.Errorf("invalidate distribution %s: %w", distributionID, err)
	}
	if out.Invalidation == nil {
		return "", fmt.Errorf("invalidate distribution %s: CloudFront returned no invalidation", distributionID)
	}
	return aws.ToString(out.Invalidation.Id), nil
}

// callerReference is unique per request: CloudFront treats a repeated
// reference as a retry of the same invalidation and does nothing new.
func callerReference() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make caller reference: %w", err)
	}
	return fmt.Sprintf("kirikae-%d-%s", time.Now().UnixNano(), hex.EncodeToString(b)), nil
}

func (a *AWS) RunningTaskDefinition(ctx context.Context, cluster, service string) (string, error) {
	out, err := a.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{
		Cluster: aws.String(cluster), Services: []string{service},
	})
	if err != nil {
		return "", fmt.Errorf("describe ECS service %s: %w", service, err)
	}
	if len(out.Failures) > 0 { // e.g. reason MISSING: no such service
		return "", fmt.Errorf("describe ECS service %s in cluster %s: %s", service, cluster, aws.ToString(out.Failures[0].Reason))
	}
	if len(out.Services) == 0 {
		return "", fmt.Errorf("describe ECS service %s in cluster %s: not found", service, cluster)
	}
	for _, d := range out.Services[0].Deployments {
		if aws.ToString(d.Status) == "PRIMARY" {
			return aws.ToString(d.TaskDefinition), nil
		}
	}
	return "", fmt.Errorf("describe ECS service %s: no PRIMARY deployment", service)
}

func (a *AWS) HTTPClient() *http.Client { return a.http }

// S3ClientAt is an S3 client against e, path-style, as NewAt's: for
// stores that keep their objects at another address (the sandbox's state
// bucket).
func S3ClientAt(e Endpoint) *s3.Client {
	cfg := aws.Config{
		Region:      e.Region,
		Credentials: credentials.NewStaticCredentialsProvider(e.AccessKeyID, e.SecretAccessKey, e.SessionToken),
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint, o.UsePathStyle = aws.String(e.URL), true
	})
}
