// Package ecr simulates Amazon ECR: repositories, their policies, the
// registry of pushed images (programs under StateDir/images) and the ECR
// API's JSON 1.1 operations, including cross-account pulls.
package ecr
