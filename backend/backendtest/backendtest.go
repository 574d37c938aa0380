// Package backendtest gives tests an s3:// record store without AWS: the
// real S3 store over an in-process gofakes3 server, which honours the
// conditional PUT (If-None-Match: *) that records and locks are made of.
package backendtest

import (
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/kirikae/kirikae/backend"
)

// Bucket and Prefix are where S3's store keeps records: s3://Bucket/Prefix.
const (
	Bucket = "team-state"
	Prefix = "kirikae"
)

// S3 starts a gofakes3 server for the test's lifetime and returns the
// store over it and the client that reaches it.
func S3(t testing.TB) (backend.Store, *s3.Client) {
	t.Helper()
	mem := s3mem.New()
	srv := httptest.NewServer(gofakes3.New(mem).Server())
	t.Cleanup(srv.Close)
	if err := mem.CreateBucket(Bucket); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	client := s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	})
	return backend.NewS3(client, Bucket, Prefix), client
}
