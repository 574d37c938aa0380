package core

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/kirikae/kirikae/cloud"
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

func ContentType(o Object, key string) string {
	if o.ContentType != "" {
		return o.ContentType
	}
	return cloud.ContentType(key)
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
