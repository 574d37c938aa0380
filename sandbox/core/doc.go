// Package core is what every simulated service shares: the on-disk account
// (account.json, its lock, its records and S3 object store), the type-spec
// registry the Pulumi provider consults (registry.go, env.go), names and ids,
// AWS error shapes and the wire helpers of the JSON, query and REST
// protocols (wire_*.go), SigV4 checking, the modeled latency and clock, and
// injected faults. It imports no service package.
package core
