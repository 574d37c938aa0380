package core

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Each request names the action of the Service Authorization Reference
// (service:Operation; cloudwatch for "monitoring"; API Gateway's HTTP
// method on its path) and the ARN it addresses where the request says it.
func TestRequestActionNamesActionAndResource(t *testing.T) {
	for _, c := range []struct {
		svc, method, target, header, body, action, resource string
	}{
		{"ecr", "POST", "/", "AmazonEC2ContainerRegistry_V20150921.DescribeImages", `{"repositoryName":"app"}`,
			"ecr:DescribeImages", "arn:aws:ecr:us-east-1:111122223333:repository/app"},
		{"ecs", "POST", "/", "AmazonEC2ContainerServiceV20141113.ListClusters", `{}`, "ecs:ListClusters", "*"},
		{"logs", "POST", "/", "Logs_20140328.FilterLogEvents", `{"logGroupName":"/ecs/app"}`,
			"logs:FilterLogEvents", "arn:aws:logs:us-east-1:111122223333:log-group:/ecs/app"},
		{"ssm", "POST", "/", "AmazonSSM.GetParameter", `{"Name":"/kirikae/slack"}`,
			"ssm:GetParameter", "arn:aws:ssm:us-east-1:111122223333:parameter/kirikae/slack"},
		{"sns", "POST", "/", "", "Action=Publish&TopicArn=arn:aws:sns:us-east-1:111122223333:t&Message=x",
			"sns:Publish", "arn:aws:sns:us-east-1:111122223333:t"},
		{"elasticloadbalancing", "POST", "/", "", "Action=DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancers", "*"},
		{"ec2", "POST", "/", "", "Action=DescribeVpcs", "ec2:DescribeVpcs", "*"},
		{"monitoring", "POST", "/", "", "Action=DescribeAlarms", "cloudwatch:DescribeAlarms", "*"},
		{"lambda", "GET", "/2015-03-31/functions/api/aliases/live", "", "", "lambda:GetAlias",
			"arn:aws:lambda:us-east-1:111122223333:function:api"},
		{"lambda", "POST", "/2015-03-31/functions/api/invocations?Qualifier=7", "", "{}", "lambda:InvokeFunction",
			"arn:aws:lambda:us-east-1:111122223333:function:api:7"},
		{"ecs", "POST", "/", "AmazonEC2ContainerServiceV20141113.RunTask", `{"taskDefinition":"arn:aws:ecs:us-east-1:111122223333:task-definition/app-blue:3"}`,
			"ecs:RunTask", "arn:aws:ecs:us-east-1:111122223333:task-definition/app-blue:3"},
		{"cloudfront", "POST", "/2020-05-31/distribution/E1/invalidation", "", "<x/>", "cloudfront:CreateInvalidation",
			"arn:aws:cloudfront::111122223333:distribution/E1"},
		{"cloudfront", "GET", "/2020-05-31/distribution", "", "", "cloudfront:ListDistributions", "*"},
		{"apigateway", "GET", "/v2/apis", "", "", "apigateway:GET", "arn:aws:apigateway:us-east-1::/v2/apis"},
	} {
		r := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
		if c.header != "" {
			r.Header.Set("X-Amz-Target", c.header)
		} else if c.method == http.MethodPost && !strings.HasPrefix(c.target, "/20") {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		action, resource := RequestAction(c.svc, r, []byte(c.body), "us-east-1", "111122223333")
		assert.Equal(t, c.action, action, c)
		assert.Equal(t, c.resource, resource, c)
	}
}

// A refusal is each protocol's own code, 403.
func TestAccessDeniedIsEachProtocolsCode(t *testing.T) {
	form := httptest.NewRequest("POST", "/", nil)
	json := httptest.NewRequest("POST", "/", nil)
	json.Header.Set("X-Amz-Target", "X.Y")
	for svc, code := range map[string]string{"ec2": "UnauthorizedOperation", "sns": "AuthorizationError",
		"elasticloadbalancing": "AccessDenied", "iam": "AccessDenied"} {
		e := AccessDenied(svc, form, "m")
		assert.Equal(t, code, e.Code, svc)
		assert.Equal(t, http.StatusForbidden, e.Status)
	}
	assert.Equal(t, "AccessDeniedException", AccessDenied("ecs", json, "m").Code)
	assert.Equal(t, "AccessDeniedException", AccessDenied("lambda", form, "m").Code)
}
