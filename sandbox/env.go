package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// env is what a type's behaviour sees while computing outputs.
type env struct {
	spec    *typeSpec
	region  string
	account string
	id      string               // existing id on update
	in      resource.PropertyMap // checked inputs
	out     resource.PropertyMap // outputs being built; starts as inputs (+ old outputs on update)
	old     resource.PropertyMap // previous outputs; nil on create
	oldIn   resource.PropertyMap // previous inputs; nil on create
	st      *state               // account state; a scratch copy in preview
	preview bool                 // nothing is persisted and new values are unknown
	seq     uint64               // account-wide counter making generated ids unique
	salt    int                  // advances per generated value
	set     map[resource.PropertyKey]bool
}

func (e *env) str(k string) string { return str(e.out, k) }

// put records a computed output.
func (e *env) put(k string, v any) {
	key := resource.PropertyKey(k)
	e.out[key] = resource.NewPropertyValue(v)
	if e.set == nil {
		e.set = map[resource.PropertyKey]bool{}
	}
	e.set[key] = true
}

// putDefault sets a computed output only when the program did not.
func (e *env) putDefault(k string, v any) {
	if !present(e.out, k) {
		e.put(k, v)
	}
}

// entropy returns n deterministic hex digits: the same account, type and
// sequence number always produce the same ids, which keeps tests readable.
func (e *env) entropy(n int) string {
	var b strings.Builder
	for b.Len() < n {
		e.salt++
		sum := sha256.Sum256(fmt.Appendf(nil, "%s/%s/%d/%d", e.account, e.spec.token, e.seq, e.salt))
		b.WriteString(hex.EncodeToString(sum[:]))
	}
	return b.String()[:n]
}

// ec2ID is the modern 17-hex-digit EC2 id shape, e.g. vpc-0a1b2c3d4e5f67890.
func (e *env) ec2ID(prefix string) string { return prefix + e.entropy(17) }

// alnum maps entropy onto an alphabet, for ids like API Gateway's "a1b2c3d4e5".
func (e *env) alnum(n int, alphabet string) string {
	raw, _ := hex.DecodeString(e.entropy(2 * n)) // always valid hex
	out := make([]byte, n)
	for i, v := range raw {
		out[i] = alphabet[int(v)%len(alphabet)]
	}
	return string(out)
}

func (e *env) digits(n int) string { return e.alnum(n, "0123456789") }
func (e *env) lower(n int) string  { return e.alnum(n, "abcdefghijklmnopqrstuvwxyz0123456789") }
func (e *env) upper(n int) string  { return e.alnum(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") }

// arn builds a regional ARN; global services pass an empty region.
func (e *env) arn(service, region, rest string) string {
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, region, e.account, rest)
}

func (e *env) name() string { return e.str(e.spec.name) }

// lastSegment turns an ARN or name into the name: ECS and Lambda accept both.
func lastSegment(s, sep string) string {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[i+len(sep):]
	}
	return s
}
