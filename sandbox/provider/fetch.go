package provider

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/iam"
)

// fetch is a call a service makes with its caller's credentials on a
// resource other than the one it creates or updates.
type fetch struct {
	action, resource string
	// denied is the service's answer when the caller may not.
	denied string
}

// fetches are those of each resource type, given the new properties and,
// on an update, the old ones.
var fetches = map[string]func(news, olds resource.PropertyMap) []fetch{
	"aws:lambda/function:Function": lambdaCodeFetch,
}

// lambdaCodeFetch: CreateFunction and UpdateFunctionCode with S3Bucket and
// S3Key have Lambda read the deployment package from S3 with the caller's
// credentials, so the caller needs s3:GetObject on the object (with an
// S3ObjectVersion, s3:GetObjectVersion, which S3 asks for a GET of a
// version instead). Without it Lambda answers AccessDeniedException "Your
// access has been denied by S3, please make sure your request credentials
// have permission to GetObject for BUCKET/KEY". An update fetches only when
// the code changes.
// https://docs.aws.amazon.com/lambda/latest/api/API_FunctionCode.html
// https://docs.aws.amazon.com/lambda/latest/dg/permissions-user-function.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
func lambdaCodeFetch(news, olds resource.PropertyMap) []fetch {
	bucket, key := core.Str(news, "s3Bucket"), core.Str(news, "s3Key")
	if bucket == "" || key == "" {
		return nil
	}
	if olds != nil {
		same := true
		for _, k := range []string{"s3Bucket", "s3Key", "s3ObjectVersion", "sourceCodeHash"} {
			same = same && core.Str(news, k) == core.Str(olds, k)
		}
		if same {
			return nil
		}
	}
	action := "s3:GetObject"
	if core.Str(news, "s3ObjectVersion") != "" {
		action = "s3:GetObjectVersion"
	}
	return []fetch{{action: action, resource: "arn:aws:s3:::" + bucket + "/" + key,
		denied: fmt.Sprintf("Your access has been denied by S3, please make sure your request credentials have permission to GetObject for %s/%s. S3 Error Code: AccessDenied. S3 Error Message: Access Denied", bucket, key)}}
}

// authorizeFetches decides the fetches of a create (olds nil) or update of
// typ by a role session; the administrator is never refused.
func (p *Provider) authorizeFetches(st *core.State, o op, typ string, news, olds resource.PropertyMap) error {
	p.mu.Lock()
	creds, dir := p.creds, p.dir
	p.mu.Unlock()
	f := fetches[typ]
	if f == nil || creds.AccessKeyID == "" || !dir.IsRole(creds.AccessKeyID) {
		return nil
	}
	for _, fe := range f(news, olds) {
		if err := dir.AuthorizeIn(st, creds.AccessKeyID, creds.SessionToken, iam.Request{Action: fe.action, Resource: fe.resource, Context: iam.Context{}}); err != nil {
			return status.Error(codes.PermissionDenied, fmt.Sprintf("%s %s: operation error Lambda, https response error StatusCode: 403, api error AccessDeniedException: %s", o, typ, fe.denied))
		}
	}
	return nil
}
