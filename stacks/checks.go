package stacks

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kirikae/kirikae/internal/projectfs"
)

// issue is one thing wrong with a value. value is the offending part (a list
// item) or "" for the whole value.
type issue struct {
	value string
	item  int // 1-based list item the issue is about; 0 for the whole value
	msg   string
}

type checkFunc = func(v any) []issue

func bad(msg string, args ...any) []issue {
	return []issue{{msg: fmt.Sprintf(msg, args...)}}
}

func oneOf(allowed ...string) checkFunc {
	return func(v any) []issue {
		if slices.Contains(allowed, v.(string)) {
			return nil
		}
		return bad("is not allowed; use one of: %s", strings.Join(allowed, ", "))
	}
}

func intOneOf(allowed ...int) checkFunc {
	return func(v any) []issue {
		if slices.Contains(allowed, v.(int)) {
			return nil
		}
		return bad("is not allowed; use one of: %s", joinInts(allowed))
	}
}

// testPort is 0 (no test listener) or a port the production listeners do
// not use.
func testPort(v any) []issue {
	n := v.(int)
	switch {
	case n < 0 || n > 65535:
		return bad("must be 0 (off) or between 1 and 65535")
	case n == 80 || n == 443:
		return bad("is a production listener port; pick another (e.g. 9000)")
	}
	return nil
}

// intRange checks min <= v <= max; max < min means no upper bound.
func intRange(min, max int) checkFunc {
	return func(v any) []issue {
		n := v.(int)
		switch {
		case max < min && n < min:
			return bad("must be at least %d", min)
		case max >= min && (n < min || n > max):
			return bad("must be between %d and %d", min, max)
		}
		return nil
	}
}

func floatRange(min, max float64) checkFunc {
	return func(v any) []issue {
		f := v.(float64)
		if f <= min || f > max {
			return bad("must be greater than %g and at most %g", min, max)
		}
		return nil
	}
}

// minDuration checks v >= min (strict > when strict is set).
func minDuration(min time.Duration, strict bool) checkFunc {
	return func(v any) []issue {
		d := v.(time.Duration)
		if strict && d <= min {
			return bad("must be longer than %s", min)
		}
		if d < min {
			return bad("must not be negative")
		}
		return nil
	}
}

// pattern checks a string against re; optional allows "".
func pattern(re *regexp.Regexp, what string, optional bool) checkFunc {
	return func(v any) []issue {
		s := v.(string)
		if (optional && s == "") || re.MatchString(s) {
			return nil
		}
		return bad("is not a valid %s", what)
	}
}

// eachItem applies re to every list item.
func eachItem(re *regexp.Regexp, what string) checkFunc {
	return func(v any) []issue {
		var out []issue
		for _, s := range v.([]string) {
			if !re.MatchString(s) {
				out = append(out, issue{value: s, msg: "is not a valid " + what})
			}
		}
		return out
	}
}

var (
	// Docker reference grammar for a tag.
	reImageTag  = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	reAccountID = regexp.MustCompile(`^[0-9]{12}$`)
	reCIDR      = regexp.MustCompile(`^([0-9]{1,3}\.){3}[0-9]{1,3}/[0-9]{1,2}$`)
	// An image manifest digest as ECR reports it (imageDigest).
	reDigest = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	// ECR repository name grammar (AWS CreateRepository), 2..256 chars.
	reRepository = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)
	// serviceName prefixes ALB and target group names (32 chars at most,
	// with "-<stack>-green" appended), S3 buckets and log groups, so it must
	// fit the strictest of those: lowercase, digits, hyphens, short.
	reServiceName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,15}$`)
	reVPCID       = regexp.MustCompile(`^vpc-[0-9a-f]{8,17}$`)
	reSubnetID    = regexp.MustCompile(`^subnet-[0-9a-f]{8,17}$`)
	// A release id becomes an S3 prefix and a CloudFront KeyValueStore value.
	reReleaseID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	reVersion   = regexp.MustCompile(`^[1-9][0-9]*$`)
	reBucket    = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	// A sandbox account name is a directory under .kirikae/sandbox/accounts.
	reAccountName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)
	reSchema      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	// ACM certificate ARN: arn:<partition>:acm:<region>:<account>:certificate/<id>.
	reCertificateARN = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$`)
	reDomain         = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

func urlPath(optional bool) checkFunc {
	return func(v any) []issue {
		s := v.(string)
		if (optional && s == "") || strings.HasPrefix(s, "/") {
			return nil
		}
		return bad("must be an absolute URL path starting with /")
	}
}

func emails(v any) []issue {
	var out []issue
	for _, s := range v.([]string) {
		a, err := mail.ParseAddress(s)
		// A display name ("Ops <ops@x.com>") is legal mail syntax but SNS
		// wants the bare address; a dotless domain is almost always a typo.
		if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndex(s, "@"):], ".") {
			out = append(out, issue{value: s, msg: "is not an email address (name@example.com)"})
		}
	}
	return out
}

// lambdaArtifact accepts a local path (relative to the project root) or an
// s3://bucket/key location.
func lambdaArtifact(v any) []issue {
	s := v.(string)
	if s == "" {
		return bad("is required")
	}
	if strings.HasPrefix(s, "s3://") {
		rest := strings.TrimPrefix(s, "s3://")
		b, k, ok := strings.Cut(rest, "/")
		if !ok || !reBucket.MatchString(b) || k == "" {
			return bad("is not a valid s3://bucket/key location")
		}
		return nil
	}
	if strings.Contains(s, "://") {
		return bad("must be a local path or an s3://bucket/key location")
	}
	return projectPath(s)
}

// projectPath checks a local path's text: relative, inside the project, not
// the project root, no hidden (.git, .kirikae) component. Symlinks are
// checked against the files in pathProblems.
func projectPath(v any) []issue {
	if err := projectfs.CheckRel(v.(string)); err != nil {
		return bad("%s", err.Error())
	}
	return nil
}

func region(v any) []issue {
	if slices.Contains(Regions(), v.(string)) {
		return nil
	}
	return bad("is not an AWS region (e.g. us-east-1, eu-west-1; see docs/config.md)")
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// ValidServiceName reports whether s may be a kirikae:serviceName: it
// prefixes every physical name, so kirikae init checks a project name
// with it before writing anything.
func ValidServiceName(s string) bool { return reServiceName.MatchString(s) }
