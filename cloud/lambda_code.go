package cloud

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ObjectRevision names the content an S3 key holds now: its version id in
// a bucket with versioning, else its ETag, quoted as S3 returns it (a
// version id never carries quotes). An s3:// Lambda artifact replaced at
// the same key changes its revision, so the function's code inputs change.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
func (a *AWS) ObjectRevision(ctx context.Context, bucket, key string) (string, error) {
	out, err := a.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return "", fmt.Errorf("head object s3://%s/%s: %w", bucket, key, err)
	}
	if v := aws.ToString(out.VersionId); v != "" && v != "null" {
		return v, nil
	}
	return aws.ToString(out.ETag), nil
}

// FunctionVersions lists a function's published versions, oldest first,
// without $LATEST.
// https://docs.aws.amazon.com/lambda/latest/api/API_ListVersionsByFunction.html
func (a *AWS) FunctionVersions(ctx context.Context, function string) ([]string, error) {
	var out []string
	p := lambda.NewListVersionsByFunctionPaginator(a.fn, &lambda.ListVersionsByFunctionInput{FunctionName: aws.String(function)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list versions of %s: %w", function, err)
		}
		for _, v := range page.Versions {
			if ver := aws.ToString(v.Version); ver != "$LATEST" {
				out = append(out, ver)
			}
		}
	}
	return out, nil
}

// FunctionCodeSha256 reads the CodeSha256 of one published version with
// GetFunction and a Qualifier: the base64 SHA-256 of the deployment
// package that version was published with, which no later upload changes.
// https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html
// https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html
func (a *AWS) FunctionCodeSha256(ctx context.Context, function, version string) (string, error) {
	out, err := a.fn.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(function), Qualifier: aws.String(version)})
	if err != nil {
		return "", fmt.Errorf("get version %s of %s: %w", version, function, err)
	}
	if out.Configuration == nil {
		return "", fmt.Errorf("get version %s of %s: no configuration in the answer", version, function)
	}
	return aws.ToString(out.Configuration.CodeSha256), nil
}

// DeleteFunctionVersion deletes one published version of a function.
// https://docs.aws.amazon.com/lambda/latest/api/API_DeleteFunction.html
func (a *AWS) DeleteFunctionVersion(ctx context.Context, function, version string) error {
	if _, err := a.fn.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String(function), Qualifier: aws.String(version)}); err != nil {
		return fmt.Errorf("delete version %s of %s: %w", version, function, err)
	}
	return nil
}
