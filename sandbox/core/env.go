package core

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Env is what a type's behaviour sees while computing outputs.
type Env struct {
	Spec    *TypeSpec
	Region  string
	Account string
	Id      string               // existing id on update
	In      resource.PropertyMap // checked inputs
	Out     resource.PropertyMap // outputs being built; starts as inputs (+ old outputs on update)
	Old     resource.PropertyMap // previous outputs; nil on create
	OldIn   resource.PropertyMap // previous inputs; nil on create
	St      *State               // account state; a scratch copy in preview
	Preview bool                 // nothing is persisted and new values are unknown
	Seq     uint64               // account-wide counter making generated ids unique
	salt    int                  // advances per generated value
	Set     map[resource.PropertyKey]bool
}

func (e *Env) Str(k string) string { return Str(e.Out, k) }

// Put records a computed output.
func (e *Env) Put(k string, v any) {
	key := resource.PropertyKey(k)
	e.Out[key] = resource.NewPropertyValue(v)
	if e.Set == nil {
		e.Set = map[resource.PropertyKey]bool{}
	}
	e.Set[key] = true
}

// PutDefault sets a computed output only when the program did not.
func (e *Env) PutDefault(k string, v any) {
	if !Present(e.Out, k) {
		e.Put(k, v)
	}
}

// Entropy returns n deterministic hex digits: the same account, type and
// sequence number always produce the same ids, which keeps tests readable.
func (e *Env) Entropy(n int) string {
	var b strings.Builder
	for b.Len() < n {
		e.salt++
		sum := sha256.Sum256(fmt.Appendf(nil, "%s/%s/%d/%d", e.Account, e.Spec.Token, e.Seq, e.salt))
		b.WriteString(hex.EncodeToString(sum[:]))
	}
	return b.String()[:n]
}

// EC2ID is the modern 17-hex-digit EC2 id shape, e.g. vpc-0a1b2c3d4e5f67890.
func (e *Env) EC2ID(prefix string) string { return prefix + e.Entropy(17) }

// Alnum maps entropy onto an alphabet, for ids like API Gateway's "a1b2c3d4e5".
func (e *Env) Alnum(n int, alphabet string) string {
	raw, _ := hex.DecodeString(e.Entropy(2 * n)) // always valid hex
	out := make([]byte, n)
	for i, v := range raw {
		out[i] = alphabet[int(v)%len(alphabet)]
	}
	return string(out)
}

func (e *Env) Digits(n int) string { return e.Alnum(n, "0123456789") }
func (e *Env) Lower(n int) string  { return e.Alnum(n, "abcdefghijklmnopqrstuvwxyz0123456789") }
func (e *Env) Upper(n int) string  { return e.Alnum(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") }

// Arn builds a regional ARN; global services pass an empty region.
func (e *Env) Arn(service, region, rest string) string {
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, region, e.Account, rest)
}

func (e *Env) Name() string { return e.Str(e.Spec.Name) }

// LastSegment turns an ARN or name into the name: ECS and Lambda accept both.
func LastSegment(s, sep string) string {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[i+len(sep):]
	}
	return s
}
