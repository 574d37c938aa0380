// Package generic simulates any pulumi-aws v6 resource type that has no
// dedicated model in the sandbox: state only, no behaviour.
//
//go:generate go run ./internal/gentypes
package generic
