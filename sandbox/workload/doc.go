// Package workload runs what the account describes as real local programs:
// an ECS service's tasks (with target-group health checks and the deployment
// circuit breaker) and Lambda function versions. Workloads start on demand
// from the account's state and never outlive the process.
package workload
