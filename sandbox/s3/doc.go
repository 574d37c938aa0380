// Package s3 simulates Amazon S3: buckets and their sub-resources, object
// versions, and the S3 REST API (through gofakes3 over the account's object
// store).
package s3
