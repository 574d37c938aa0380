// Package frontdoor answers HTTP for the simulated load balancers, API
// Gateway APIs and CloudFront distributions, routing each request to the
// workload or S3 object the account names.
package frontdoor
