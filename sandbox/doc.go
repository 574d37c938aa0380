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
package sandbox
