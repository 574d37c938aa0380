// Package ssm simulates AWS Systems Manager Parameter Store and its JSON 1.1
// API.
package ssm
