// Package sandbox is kirikae's simulated AWS: an in-process Pulumi resource
// provider for package "aws" that the real Pulumi engine talks to through
// PULUMI_DEBUG_PROVIDERS, so newcomers can deploy without an AWS account and
// without the AWS provider plugin.
//
// The simulated account lives on disk (StateDir/account.json) so that separate
// processes - an `up` now, a `rollback` later - see the same "AWS". Resource
// behaviour that deploys depend on (stable ids and ARNs, replacement on
// immutable properties, task definition revisions, Lambda versions) follows
// AWS; everything else passes through untouched.
//
// Outside the engine the account is reached the way AWS is: Serve runs a
// local AWS endpoint (S3 through gofakes3, CloudFront, ECS, ECR, CloudWatch,
// Lambda and STS over their real wire protocols, SigV4-checked against
// AccessKeyID/SecretAccessKey) and the front door, which answers HTTP for the
// simulated load balancer, API Gateway and CloudFront host names from what
// the account routes to. kirikae's data plane is the aws-sdk-go-v2 client of
// package cloud pointed at that endpoint; the sandbox has no client API of
// its own.
package sandbox
