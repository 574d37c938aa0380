// Package sns simulates Amazon SNS topics and subscriptions and the SNS
// query API (Publish).
package sns
