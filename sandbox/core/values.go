package core

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

func Modified(o Object) time.Time {
	if t, err := time.Parse(time.RFC3339, o.Modified); err == nil {
		return t
	}
	return FixedTimeValue()
}

// Number reads a property the provider may hold as a number or a string.
func Number(v any) int {
	switch v := v.(type) {
	case float64:
		return int(v)
	case string:
		var n int
		_, _ = fmt.Sscan(v, &n)
		return n
	}
	return 0
}

// DefaultContentType is what S3 stores and serves for an object uploaded
// without a Content-Type: S3 never guesses one from the key's extension
// (the AWS CLI and some SDKs guess before they upload; S3 does not).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
// https://docs.aws.amazon.com/sdkfornet1/latest/apidocs/html/P_Amazon_S3_Model_CopyObjectRequest_ContentType.htm
const DefaultContentType = "binary/octet-stream"

// ContentType is the Content-Type S3 answers for object o: the one it was
// uploaded with, else binary/octet-stream; never one kirikae would pick.
func ContentType(o Object) string {
	if o.ContentType != "" {
		return o.ContentType
	}
	return DefaultContentType
}

func ListOf(v any) []any {
	l, _ := v.([]any)
	return l
}

func Contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Group and stream names hold "/" and other characters a file name cannot;
// they are stored base64url-encoded.
func EncodeName(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func DecodeName(s string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return string(b), err == nil && s != "" && !strings.HasPrefix(s, ".")
}

// ScaledAtLeast is d on the sandbox's clock (scaled, core/latency.go's
// timeScale), never below floor: a program needs real time to start and
// answer whatever the scale.
func ScaledAtLeast(d, floor time.Duration) time.Duration {
	return max(Scaled(d), floor)
}

func FixedTimeValue() time.Time {
	t, _ := time.Parse(time.RFC3339, FixedTime)
	return t
}
