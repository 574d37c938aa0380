package provider

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/kirikae/kirikae/sandbox/core"
	"github.com/kirikae/kirikae/sandbox/iam"
)

// Credentials are what the provider signs its AWS calls with, as
// pulumi-aws takes them from its environment: the sandbox's own key (the
// administrator) or a role session's. A session's resource operations are
// authorised against its role's policies, action by action (actions.go).
type Credentials struct {
	AccessKeyID, SessionToken string
}

// SetCredentials makes the provider act as creds from now on.
func (p *Provider) SetCredentials(creds Credentials) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.creds = creds
	p.dir = iam.NewDirectory(p.acct)
}

// op names a resource operation of actions' table.
type op string

const (
	opCreate op = "create"
	opUpdate op = "update"
	opDelete op = "delete"
	opRead   op = "read"
)

// authorize decides one resource operation (st: the account's state, when
// the caller holds it) of the provider's caller: nil
// when it is the administrator or every action the operation needs is
// allowed on the resource. The context carries the tags the request sets
// (aws:RequestTag) and those the resource has (aws:ResourceTag), which
// AWS compares for the actions that support them:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html
func (p *Provider) authorize(st *core.State, o op, typ, region, id string, props, requestTags, resourceTags resource.PropertyMap) error {
	p.mu.Lock()
	creds, dir := p.creds, p.dir
	p.mu.Unlock()
	if creds.AccessKeyID == "" || !dir.IsRole(creds.AccessKeyID) {
		return nil
	}
	t, ok := actions[typ]
	if !ok {
		return status.Errorf(codes.PermissionDenied,
			"%s %s: the kirikae sandbox knows no IAM actions for resource type %s, so it cannot authorise a role's %s of it and refuses it (add the type to sandbox/provider/actions.go)",
			o, typ, typ, o)
	}
	arnOf := t.arn
	if arnOf == nil {
		arnOf = func(c arnCtx) string { return c.str("arn") }
	}
	res := arnOf(arnCtx{region: region, account: p.accountID, id: id, props: props})
	if res == "" {
		res = "*"
	}
	if resourceTags == nil && st != nil && res != "*" {
		// A call on another resource (an inline policy's role, a
		// bucket's configuration): aws:ResourceTag is that resource's.
		resourceTags = tagsAt(st, res)
	}
	ctx := iam.Context{}
	for k, v := range tagsOf(requestTags) {
		ctx.Set("aws:RequestTag/"+k, v)
	}
	for k, v := range tagsOf(resourceTags) {
		ctx.Set("aws:ResourceTag/"+k, v)
	}
	names := map[op][]string{opCreate: t.create, opUpdate: t.update, opDelete: t.delete, opRead: t.read}[o]
	for _, action := range names {
		err := dir.AuthorizeIn(st, creds.AccessKeyID, creds.SessionToken, iam.Request{Action: action, Resource: res, Context: ctx})
		if err != nil {
			// As the provider reports an AWS error: the operation, then
			// the service's answer.
			svc, _, _ := strings.Cut(action, ":")
			return status.Error(codes.PermissionDenied, fmt.Sprintf("%s %s: operation error %s, https response error StatusCode: 403, api error AccessDenied: %s",
				o, typ, svc, err.Error()))
		}
	}
	return nil
}

// tagsAt are the tags of the account's resource whose ARN is arn.
func tagsAt(st *core.State, arn string) resource.PropertyMap {
	for _, r := range st.Resources {
		if r.Outputs["arn"] == arn {
			if pm, err := core.FromWire(r.Outputs); err == nil {
				return pm
			}
		}
	}
	return nil
}

// tagsOf reads a resource's tags property.
func tagsOf(pm resource.PropertyMap) map[string]string {
	out := map[string]string{}
	if pm == nil {
		return out
	}
	v := pm["tags"]
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsObject() {
		return out
	}
	for k, t := range v.ObjectValue() {
		if t.IsString() {
			out[string(k)] = t.StringValue()
		}
	}
	return out
}
