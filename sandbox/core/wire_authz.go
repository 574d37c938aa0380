package core

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// Every request of an IAM role's session is authorised before its service
// acts, as AWS does: the endpoint asks sandbox/iam whether the caller may
// perform the request's action on its resource. This file is the one
// place that names both for every protocol the endpoint speaks.
//
// The action is service:Operation: "the API operation name is the action
// name" for almost every AWS API (Service Authorization Reference:
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
// The exceptions kept here: CloudWatch signs as "monitoring" but its
// actions are cloudwatch:*, and API Gateway's actions are its HTTP methods
// on the path's ARN
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-create-and-manage-api.html).
// The resource is the ARN the request names where that is cheap to read
// (an ARN parameter, a repository, log group, parameter, topic or function
// name); otherwise "*", which only a statement on "*" grants — as AWS
// grants Describe*/List* actions that have no resource type. S3 is
// authorised per bucket and object by the endpoint itself.

// IAMService is the IAM service prefix of a SigV4 signing name.
func IAMService(signingName string) string {
	if signingName == "monitoring" {
		return "cloudwatch"
	}
	return signingName
}

// RequestAction names the IAM action and resource ARN of one request to
// the service signingName, in region of account. op is "" when the
// request names no operation the sandbox can tell (it is then refused to a
// role as service:UnknownOperation).
func RequestAction(signingName string, r *http.Request, body []byte, region, account string) (action, resource string) {
	svc := IAMService(signingName)
	in := inputOf(signingName, r, body)
	op := ""
	switch ProtocolOf(signingName, r) {
	case ProtoJSON:
		_, op, _ = strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	case ProtoCBOR:
		// rpcv2Cbor: POST /service/<Service>/operation/<Operation>
		// https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html#requests
		if i := strings.LastIndex(r.URL.Path, "/operation/"); i >= 0 {
			op = r.URL.Path[i+len("/operation/"):]
		}
	case ProtoQuery, ProtoEC2:
		op = QueryAction(r)
	case ProtoRESTJSON, ProtoRESTXML:
		if signingName == "apigateway" {
			return "apigateway:" + r.Method, "arn:aws:apigateway:" + region + "::" + r.URL.Path
		}
		op = restOperation(signingName, r)
	}
	if op == "" {
		op = "UnknownOperation"
	}
	return svc + ":" + op, resourceOf(svc, r, in, region, account)
}

// inputOf reads the request's top-level parameters: the JSON body's
// members, or the query form.
func inputOf(signingName string, r *http.Request, body []byte) map[string]string {
	out := map[string]string{}
	switch ProtocolOf(signingName, r) {
	case ProtoJSON:
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		for k, v := range m {
			if s, ok := v.(string); ok {
				out[k] = s
			}
		}
	case ProtoQuery, ProtoEC2:
		_ = r.ParseForm()
		for k := range r.Form {
			out[k] = r.Form.Get(k)
		}
	}
	return out
}

// arnParams are the parameters that name the addressed resource by ARN.
var arnParams = []string{"TopicArn", "TargetArn", "LoadBalancerArn", "TargetGroupArn", "ListenerArn",
	"ResourceArn", "resourceArn", "AlarmArn", "functionArn", "QueueUrl"}

// resourceOf is the ARN of the resource the request names, or "*".
// ARN formats: the Service Authorization Reference's resource types for
// each service (e.g. ECR's repository, Logs' log-group, SSM's parameter).
func resourceOf(svc string, r *http.Request, in map[string]string, region, account string) string {
	for _, k := range arnParams {
		if v := in[k]; strings.HasPrefix(v, "arn:") {
			return v
		}
	}
	arn := func(res string) string { return "arn:aws:" + svc + ":" + region + ":" + account + ":" + res }
	switch svc {
	case "ecr":
		if n := in["repositoryName"]; n != "" {
			return arn("repository/" + n)
		}
	case "ecs":
		// RunTask addresses its task definition, StopTask its task.
		if td := in["taskDefinition"]; td != "" {
			if strings.HasPrefix(td, "arn:") {
				return td
			}
			return arn("task-definition/" + td)
		}
		if task := in["task"]; strings.HasPrefix(task, "arn:") {
			return task
		}
	case "logs":
		if n := in["logGroupName"]; n != "" {
			return arn("log-group:" + n)
		}
	case "ssm":
		if n := in["Name"]; n != "" {
			if strings.HasPrefix(n, "arn:") {
				return n
			}
			return arn("parameter/" + strings.TrimPrefix(n, "/"))
		}
	case "lambda":
		if fn := lambdaFunctionOf(r); fn != "" {
			if !strings.HasPrefix(fn, "arn:") {
				fn = arn("function:" + fn)
			}
			// A qualified call (Invoke's Qualifier) addresses the version
			// or alias: arn:aws:lambda:…:function:NAME:QUALIFIER.
			if q := r.URL.Query().Get("Qualifier"); q != "" {
				fn += ":" + q
			}
			return fn
		}
	case "cloudfront":
		parts := pathParts(r)
		if len(parts) >= 3 && parts[1] == "distribution" {
			return "arn:aws:cloudfront::" + account + ":distribution/" + parts[2]
		}
	}
	return "*"
}

func pathParts(r *http.Request) []string {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
	}
	return parts
}

// lambdaFunctionOf is the function a Lambda REST path names:
// /2015-03-31/functions/NAME[/...].
func lambdaFunctionOf(r *http.Request) string {
	p := pathParts(r)
	if len(p) >= 3 && p[1] == "functions" {
		return p[2]
	}
	return ""
}

// restOperation names the REST-JSON and REST-XML operations the sandbox
// serves by method and path, after each API's reference.
func restOperation(signingName string, r *http.Request) string {
	p := pathParts(r)
	switch signingName {
	case "lambda":
		// https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html
		if len(p) < 2 || p[1] != "functions" {
			return ""
		}
		get := r.Method == http.MethodGet
		switch {
		case get && len(p) == 2:
			return "ListFunctions"
		case get && len(p) == 3:
			return "GetFunction"
		case r.Method == http.MethodDelete && len(p) == 3:
			return "DeleteFunction"
		case get && len(p) == 4 && p[3] == "aliases":
			return "ListAliases"
		case get && len(p) == 5 && p[3] == "aliases":
			return "GetAlias"
		case get && len(p) == 4 && p[3] == "versions":
			return "ListVersionsByFunction"
		case r.Method == http.MethodPost && len(p) == 4 && p[3] == "invocations":
			return "InvokeFunction" // Invoke's action: lambda:InvokeFunction
		}
	case "cloudfront":
		// https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Operations_Amazon_CloudFront.html
		if len(p) < 2 {
			return ""
		}
		thing := cloudfrontThings[p[1]]
		switch {
		case thing == "":
			return ""
		case len(p) == 4 && p[3] == "invalidation" && r.Method == http.MethodPost:
			return "CreateInvalidation"
		case len(p) == 5 && p[3] == "invalidation":
			return "GetInvalidation"
		case len(p) == 4 && p[3] == "invalidation":
			return "ListInvalidations"
		case len(p) == 2 && r.Method == http.MethodGet:
			return "List" + thing + "s"
		case len(p) >= 3 && r.Method == http.MethodGet:
			return "Get" + thing
		}
	}
	return ""
}

// cloudfrontThings names the resource of each CloudFront path segment.
var cloudfrontThings = map[string]string{
	"distribution": "Distribution", "function": "Function", "key-value-store": "KeyValueStore",
	"origin-access-control": "OriginAccessControl", "response-headers-policy": "ResponseHeadersPolicie",
}

// AccessDenied is a service's refusal of a request its caller's policies
// do not allow, in the code that service answers it with (403 each):
//   - S3: AccessDenied https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
//   - EC2: UnauthorizedOperation https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
//   - SNS: AuthorizationError https://docs.aws.amazon.com/sns/latest/api/API_Publish.html#API_Publish_Errors
//   - other awsQuery services (IAM, STS, ELB, CloudWatch): AccessDenied
//     https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html#API_AssumeRole_Errors
//   - JSON and REST-JSON services: AccessDeniedException
//     https://docs.aws.amazon.com/AmazonECS/latest/APIReference/CommonErrors.html
//
// message is IAM's text, naming the principal, the action and the resource
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
func AccessDenied(signingName string, r *http.Request, message string) *APIError {
	code := "AccessDenied"
	switch p := ProtocolOf(signingName, r); {
	case p == ProtoEC2:
		code, message = "UnauthorizedOperation", "You are not authorized to perform this operation. "+message
	case signingName == "sns":
		code = "AuthorizationError"
	case p == ProtoJSON || p == ProtoRESTJSON || p == ProtoCBOR:
		code = "AccessDeniedException"
	}
	return &APIError{Status: http.StatusForbidden, Code: code, Message: message}
}
