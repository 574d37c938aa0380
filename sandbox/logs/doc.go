// Package logs simulates Amazon CloudWatch Logs: log groups, the per-stream
// event store workloads write to, and the Logs API's JSON 1.1 operations.
package logs
