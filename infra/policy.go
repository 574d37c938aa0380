package infra

import (
	"encoding/json"
	"fmt"
	"strings"
)

// policyStatement is one IAM statement; fields are omitted when empty so the
// JSON is what a person would write by hand.
type policyStatement struct {
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Principal map[string]any `json:"Principal,omitempty"`
	Action    any            `json:"Action"`
	Resource  any            `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

type policyDocument struct {
	Version   string            `json:"Version"`
	Statement []policyStatement `json:"Statement"`
}

func marshalPolicy(statements ...policyStatement) (string, error) {
	b, err := json.Marshal(policyDocument{Version: "2012-10-17", Statement: statements})
	if err != nil {
		return "", fmt.Errorf("marshal policy: %w", err)
	}
	return string(b), nil
}

// accountOf returns the account field of an ARN
// (arn:partition:service:region:account:resource). The program makes no
// invokes (no sts:GetCallerIdentity), so the account comes from the ARN of a
// resource it has already created.
func accountOf(arn string) (string, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" || parts[4] == "" {
		return "", fmt.Errorf("read account id: %q is not an ARN with an account", arn)
	}
	return parts[4], nil
}

// assumeRolePolicy lets one AWS service assume a role. With an account, the
// service may assume it only on behalf of that account (aws:SourceAccount),
// so another account cannot have the service act with this role — the
// cross-service confused deputy:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html#cross-service-confused-deputy-prevention
func assumeRolePolicy(service, account string) (string, error) {
	st := policyStatement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": service},
		Action:    "sts:AssumeRole",
	}
	if account != "" {
		st.Condition = map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": account}}
	}
	return marshalPolicy(st)
}

// logWriteStatement lets a role write to one log group's streams and no
// other. CreateLogStream and PutLogEvents authorize on the log group and its
// log-stream ARNs:
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html
func logWriteStatement(logGroupARN string) policyStatement {
	group := strings.TrimSuffix(logGroupARN, ":*")
	return policyStatement{
		Sid:      "WriteOwnLogGroup",
		Effect:   "Allow",
		Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
		Resource: []string{group, group + ":log-stream:*"},
	}
}

// executionRolePolicy is what the ECS task execution role needs for a
// Fargate task that pulls from one private ECR repository and logs with
// awslogs: the AmazonECSTaskExecutionRolePolicy actions, scoped to the app's
// repository and log group instead of "*":
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
// ecr:GetAuthorizationToken has no resource to scope to; AWS documents it
// with "Resource": "*":
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html
func executionRolePolicy(repositoryARN, logGroupARN string) (string, error) {
	return marshalPolicy(
		policyStatement{
			Sid:      "EcrLogin",
			Effect:   "Allow",
			Action:   "ecr:GetAuthorizationToken",
			Resource: "*",
		},
		policyStatement{
			Sid:      "PullOwnRepository",
			Effect:   "Allow",
			Action:   []string{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"},
			Resource: repositoryARN,
		},
		logWriteStatement(logGroupARN),
	)
}

// functionLogsPolicy replaces AWSLambdaBasicExecutionRole (logs:* on "*")
// with writes to the function's own log group; kirikae creates the group,
// so logs:CreateLogGroup is not needed:
// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-permissions.html
func functionLogsPolicy(logGroupARN string) (string, error) {
	return marshalPolicy(logWriteStatement(logGroupARN))
}
