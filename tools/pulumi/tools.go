//go:build tools

// Package tools pins the Pulumi CLI that kirikae drives. The CLI is built
// from this module (see build.sh) so that every machine runs the exact engine
// version that matches the Pulumi SDK in the main module.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
