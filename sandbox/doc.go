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
//
// Workloads are real programs (package workload): an ECS service's tasks run the
// program of the image its task definition names, resolved in the account's
// ECR registry, as local processes with target-group health checks and the
// deployment circuit breaker; API Gateway invokes the published package of
// the Lambda version its alias routes to, through internal/lambdart. They
// run while a provider, endpoint or front door of this process serves the
// account, start on demand from its state, and never outlive the process.
// An ALB's listeners are told apart by port: http://DNS-NAME:PORT/ through
// the front door reaches the listener on PORT (no port: 80, or 443 when 80
// only redirects). Their output is kept per log stream (logs/store.go) and the
// 5xx they serve feed the account's CloudWatch alarms (cloudwatch/alarms.go).
//
// The code is laid out by AWS service, as moto lays out its services: one
// folder per service (its resource models, registered with the provider,
// and its API handlers), shared pieces below them in core, the provider,
// workloads and front door above them, and this package wiring them
// together (README.md shows the tree).
package sandbox
