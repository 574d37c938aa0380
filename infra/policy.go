package infra

import (
	"encoding/json"
	"fmt"
)

// Managed policies attached to execution roles. They are AWS-owned ARNs, so
// they are written out rather than looked up (the program makes no invokes).
const (
	ecsTaskExecutionPolicyARN = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
	lambdaBasicExecPolicyARN  = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
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

// assumeRolePolicy lets one AWS service assume a role.
func assumeRolePolicy(service string) (string, error) {
	return marshalPolicy(policyStatement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": service},
		Action:    "sts:AssumeRole",
	})
}

// cloudFrontReadPolicy lets exactly one distribution read the bucket's
// objects through its origin access control; nothing else can.
func cloudFrontReadPolicy(bucketARN, distributionARN string) (string, error) {
	return marshalPolicy(policyStatement{
		Sid:       "AllowCloudFrontRead",
		Effect:    "Allow",
		Principal: map[string]any{"Service": "cloudfront.amazonaws.com"},
		Action:    "s3:GetObject",
		Resource:  bucketARN + "/*",
		Condition: map[string]any{
			"StringEquals": map[string]any{"AWS:SourceArn": distributionARN},
		},
	})
}
