// Package elbv2 simulates Elastic Load Balancing v2: load balancers, target
// groups and listeners. Routing and health checks run in packages frontdoor
// and workload.
package elbv2
