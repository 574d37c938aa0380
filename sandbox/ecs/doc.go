// Package ecs simulates Amazon ECS: clusters, task definitions (revisions),
// services and their deployment circuit breaker, and the ECS API's JSON 1.1
// operations. The tasks themselves run in package workload.
package ecs
