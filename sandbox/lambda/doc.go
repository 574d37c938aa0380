// Package lambda simulates AWS Lambda: functions, published versions,
// aliases and permissions, and the Lambda REST API. Invocations run in
// package workload.
package lambda
