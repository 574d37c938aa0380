// Package provider is the sandbox's Pulumi resource provider for package
// "aws": Check, Diff, Create, Read, Update and Delete over the type specs the
// service packages register in core.
package provider
