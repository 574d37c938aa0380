// Package cloudwatch simulates Amazon CloudWatch metric alarms: their
// evaluation from the metrics the front door records, and the CloudWatch
// API (query and CBOR protocols).
package cloudwatch
