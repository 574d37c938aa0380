package stacks

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/kirikae/kirikae/internal/projectfs"
)

// origin says where each value came from, so a problem found on the typed
// Config still names the file, line and text the user wrote.
type origin struct {
	file     string            // default file for problems
	files    map[string]string // per-key file (overrides)
	lines    map[string]int
	items    map[string][]int // lines of list items, per key
	texts    map[string]string
	skip     map[string]bool // keys already reported (bad type): check nothing more
	reported map[string]bool // keys with any problem, so cross checks stay quiet
}

func newOrigin(file string) *origin {
	return &origin{file: file, files: map[string]string{}, lines: map[string]int{},
		items: map[string][]int{}, texts: map[string]string{}, skip: map[string]bool{}, reported: map[string]bool{}}
}

func (o *origin) problem(key, value, msg string) Problem {
	o.reported[key] = true
	file := o.file
	if f, ok := o.files[key]; ok {
		file = f
	}
	return Problem{File: file, Key: key, Line: o.lines[key], Value: value, Message: msg}
}

// itemProblem is problem on the line of the key's item'th list item
// (1-based), when the file says where it is.
func (o *origin) itemProblem(key string, item int, value, msg string) Problem {
	p := o.problem(key, value, msg)
	if lines := o.items[key]; item > 0 && item <= len(lines) {
		p.Line = lines[item-1]
	}
	return p
}

// text is the value as the user wrote it, else the typed value rendered.
func (o *origin) text(key string, v any) string {
	if t, ok := o.texts[key]; ok {
		return t
	}
	return display(v)
}

// Validate checks a typed Config: required keys, every key's own rule and the
// rules that span keys. It returns a *ValidationError or nil.
func Validate(c Config) error {
	return asError(validate(c, newOrigin(c.File)))
}

func asError(problems []Problem) error {
	if len(problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: problems}
}

func validate(c Config, o *origin) []Problem {
	var out []Problem
	for _, k := range keyTable {
		if k.field == nil || o.skip[k.Name] {
			continue
		}
		v := get(k, &c)
		if k.Required && isZero(v) {
			out = append(out, o.problem(k.Name, "", "is required; set it with: pulumi config set "+k.Name+" <value>"))
			continue
		}
		if k.check == nil {
			continue
		}
		for _, is := range k.check(v) {
			val := is.value
			if val == "" {
				val = o.text(k.Name, v)
			}
			out = append(out, o.itemProblem(k.Name, is.item, val, is.msg))
		}
	}
	out = append(out, crossCheck(c, o)...)
	out = append(out, tlsProblems(c, o)...)
	return append(out, pathProblems(c, o)...)
}

// pathProblems resolves the local paths against the project directory (the
// stack file's) so a symlink out of the project is reported with the line
// that configured it. A Config without a File has no project to check.
func pathProblems(c Config, o *origin) []Problem {
	if c.File == "" {
		return nil
	}
	root := filepath.Dir(c.File)
	var out []Problem
	for _, p := range []struct{ key, value string }{
		{KeyFrontendDir, c.FrontendDir}, {KeyLambdaArtifact, c.LambdaArtifact},
	} {
		if o.reported[p.key] || o.skip[p.key] || p.value == "" || strings.HasPrefix(p.value, "s3://") {
			continue
		}
		if _, err := projectfs.Resolve(root, p.value); err != nil {
			out = append(out, o.problem(p.key, p.value, "must stay inside the project: "+err.Error()))
		}
	}
	return out
}

// crossCheck applies rules that involve more than one key. A rule is skipped
// when one of its keys was already reported, to avoid a second message about
// the same mistake.
func crossCheck(c Config, o *origin) []Problem {
	var out []Problem
	quiet := func(keys ...string) bool {
		for _, k := range keys {
			if o.reported[k] || o.skip[k] {
				return true
			}
		}
		return false
	}
	if !quiet(KeyCPU, KeyMemory) && !containsInt(FargateMemory(c.CPU), c.Memory) {
		out = append(out, o.problem(KeyMemory, o.text(KeyMemory, c.Memory),
			fmt.Sprintf("is not a valid Fargate memory for cpu %d; allowed: %s", c.CPU, fargateMemoryRule(c.CPU))))
	}
	if !quiet(KeyVPCID, KeyPublicSubnetIDs, KeyPrivateSubnetIDs) {
		for _, s := range []struct {
			key string
			ids []string
		}{{KeyPublicSubnetIDs, c.PublicSubnetIDs}, {KeyPrivateSubnetIDs, c.PrivateSubnetIDs}} {
			switch {
			case c.VPCID != "" && len(s.ids) < 2:
				out = append(out, o.problem(s.key, display(s.ids),
					fmt.Sprintf("needs at least 2 subnets in different AZs because %s is set", KeyVPCID)))
			case c.VPCID == "" && len(s.ids) > 0:
				out = append(out, o.problem(s.key, display(s.ids),
					fmt.Sprintf("is set but %s is empty; set %s or remove the subnets", KeyVPCID, KeyVPCID)))
			}
		}
	}
	out = append(out, testListenerProblems(c, o, quiet)...)
	if !quiet(KeyLambdaArtifact, KeyLambdaArtifactBucket) {
		out = append(out, artifactBucketProblems(c, o)...)
	}
	if !quiet(KeyLambdaCanaryWeight, KeyLambdaAliasVersion) && c.LambdaCanaryWeight > 0 && c.LambdaAliasVersion == "" {
		out = append(out, o.problem(KeyLambdaCanaryWeight, o.text(KeyLambdaCanaryWeight, c.LambdaCanaryWeight),
			fmt.Sprintf("needs %s (the version alias live stays on during the canary)", KeyLambdaAliasVersion)))
	}
	return out
}

// ProtectedStack is the stack whose test listener may not face the
// internet.
const ProtectedStack = "product"

// testListenerProblems keeps the test listener private: after a flip it
// serves the previous release, so a vulnerability fixed in production would
// stay reachable there. By default only the VPC's range reaches it, which
// kirikae knows only for the VPC it creates; product never opens it to
// everyone.
func testListenerProblems(c Config, o *origin, quiet func(keys ...string) bool) []Problem {
	if c.Backend != BackendECS || c.TestListenerPort == 0 || quiet(KeyTestListenerPort, KeyTestListenerCIDRs, KeyVPCID) {
		return nil
	}
	if c.VPCID != "" && len(c.TestListenerCIDRs) == 0 {
		return []Problem{o.problem(KeyTestListenerCIDRs, "",
			fmt.Sprintf("is required with %s and %s: kirikae reads no range of a VPC it did not create; give the VPC's CIDR or the addresses that verify releases", KeyVPCID, KeyTestListenerPort))}
	}
	if c.Stack != ProtectedStack {
		return nil
	}
	for _, cidr := range c.TestListenerCIDRs {
		if strings.HasSuffix(cidr, "/0") {
			return []Problem{o.problem(KeyTestListenerCIDRs, cidr,
				"opens product's test listener (the previous release after a flip) to the internet; name the addresses that verify releases, or leave it empty for the VPC's range")}
		}
	}
	return nil
}

func containsInt(ns []int, n int) bool {
	for _, x := range ns {
		if x == n {
			return true
		}
	}
	return false
}

// tlsProblems checks the certificate keys in pairs: a certificate is useless
// without the name it covers, and a name without a certificate cannot be
// served over HTTPS.
func tlsProblems(c Config, o *origin) []Problem {
	var out []Problem
	pairs := []struct{ cert, domain, certVal, domainVal string }{
		{KeyCertificateARN, KeyAPIDomain, c.CertificateARN, c.APIDomain},
		{KeyFrontendCertificateARN, KeyFrontendDomain, c.FrontendCertificateARN, c.FrontendDomain},
	}
	for _, p := range pairs {
		if o.reported[p.cert] || o.reported[p.domain] || o.skip[p.cert] || o.skip[p.domain] {
			continue
		}
		switch {
		case p.certVal != "" && p.domainVal == "":
			out = append(out, o.problem(p.cert, p.certVal, "needs "+p.domain+" (the DNS name the certificate covers)"))
		case p.certVal == "" && p.domainVal != "":
			out = append(out, o.problem(p.domain, p.domainVal, "needs "+p.cert+" (a certificate for it)"))
		}
	}
	// CloudFront takes certificates only from ACM in us-east-1:
	// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html
	if c.FrontendCertificateARN != "" && !o.reported[KeyFrontendCertificateARN] &&
		!strings.Contains(c.FrontendCertificateARN, ":acm:us-east-1:") {
		out = append(out, o.problem(KeyFrontendCertificateARN, c.FrontendCertificateARN,
			"must be an ACM certificate in us-east-1 (CloudFront reads certificates only from there)"))
	}
	// A load balancer uses certificates from ACM in its own region only:
	// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/https-listener-certificates.html
	// https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html
	if c.CertificateARN != "" && c.Region != "" && !o.reported[KeyCertificateARN] && !o.reported[KeyRegion] &&
		!strings.Contains(c.CertificateARN, ":acm:"+c.Region+":") {
		out = append(out, o.problem(KeyCertificateARN, c.CertificateARN, fmt.Sprintf(
			"must be an ACM certificate in aws:region %s (a load balancer uses certificates of its own region only); request or import it there", c.Region)))
	}
	return out
}

// artifactBucketProblems keeps a Lambda stack's s3:// artifact in the
// bucket the stack file names: the deploy role may read that bucket's
// objects and no other, so a release (a flag, a reviewed plan's override)
// cannot make the deploy fetch code from a bucket nobody chose.
func artifactBucketProblems(c Config, o *origin) []Problem {
	bucket, ok := strings.CutPrefix(c.LambdaArtifact, "s3://")
	if c.Backend != BackendLambda || !ok {
		return nil
	}
	bucket, _, _ = strings.Cut(bucket, "/")
	switch {
	case c.LambdaArtifactBucket == "":
		return []Problem{o.problem(KeyLambdaArtifact, c.LambdaArtifact,
			fmt.Sprintf("is in S3 but %s is empty; set %s: %s in the stack file (the deploy role may read its objects)", KeyLambdaArtifactBucket, KeyLambdaArtifactBucket, bucket))}
	case bucket != c.LambdaArtifactBucket:
		return []Problem{o.problem(KeyLambdaArtifact, c.LambdaArtifact,
			fmt.Sprintf("is in bucket %s, not %s (%s): upload it there, or name %s as %s in the stack file", bucket, c.LambdaArtifactBucket, KeyLambdaArtifactBucket, bucket, KeyLambdaArtifactBucket))}
	}
	return nil
}
