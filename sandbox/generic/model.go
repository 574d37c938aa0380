package generic

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Place is where a resource lives: the ARN's partition, region and account.
type Place struct {
	Partition string // "aws" when empty
	Region    string
	Account   string
	// Draw returns n characters of alphabet for a generated id; nil draws
	// from crypto/rand. The sandbox passes its deterministic entropy, so
	// the same account and sequence give the same ids.
	Draw func(n int, alphabet string) string
}

func (p Place) draw(n int, alphabet string) string {
	if p.Draw != nil {
		return p.Draw(n, alphabet)
	}
	return alnum(n, alphabet)
}

func (p Place) partition() string {
	if p.Partition == "" {
		return "aws"
	}
	return p.Partition
}

// Create fills the outputs the SDK declares for a new resource into out
// (which holds its inputs) and returns its id. Only outputs the program did
// not set are filled; values are plausible, never behaviour: the sandbox
// holds the state, nothing acts on it.
func (t *Type) Create(out resource.PropertyMap, at Place) string {
	name := t.physicalName(out, at)
	var id string
	if t.NameProperty() == "" && t.idKind != "arn" && t.idKind != "url" {
		id = t.newID(at)
		name = id // an unnamed resource's ARN names its id (vpc-endpoint/vpce-…)
	}
	arn := t.arn(at, name)
	for _, p := range t.Props {
		key := resource.PropertyKey(p.Name)
		if _, set := out[key]; set || p.Input {
			continue
		}
		if v, ok := t.output(p, at, name, arn, out); ok {
			out[key] = v
		}
	}
	switch {
	case id != "":
		return id
	case t.idKind == "arn" && arn != "":
		return arn
	case t.idKind == "name":
		return name
	case t.idKind == "url":
		return t.url(at, name)
	}
	return t.newID(at)
}

// newID is an id in the shape of the SDK's import example, or a module-named
// random one when the SDK shows none.
func (t *Type) newID(at Place) string {
	if ex, ok := strings.CutPrefix(t.idKind, "ex="); ok {
		return shaped(strings.Trim(ex, `'"`+"`"), at)
	}
	return t.Module() + "-" + at.draw(17, lowerHex)
}

// Update recomputes the outputs that follow inputs (tagsAll follows tags,
// as the provider merges its default tags into it).
func (t *Type) Update(out resource.PropertyMap) {
	if _, ok := t.Prop("tagsAll"); ok {
		if tags, ok := out["tags"]; ok {
			out["tagsAll"] = tags
		} else {
			out["tagsAll"] = resource.NewObjectProperty(resource.PropertyMap{})
		}
	}
}

// physicalName is the resource's name input, or a fresh one when it has none,
// so its ARN still names something.
func (t *Type) physicalName(out resource.PropertyMap, at Place) string {
	if n := t.NameProperty(); n != "" {
		if v := out[resource.PropertyKey(n)]; v.IsString() && v.StringValue() != "" {
			return v.StringValue()
		}
	}
	return t.Module() + "-" + at.draw(12, lowerHex)
}

// arn follows the general ARN format
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html:
// arn:partition:service:region:account-id:resource, with the service and the
// resource part's prefix taken from the SDK's examples for the type.
func (t *Type) arn(at Place, name string) string {
	if _, ok := t.Prop("arn"); !ok && t.idKind != "arn" {
		return ""
	}
	region := at.Region
	if t.arnGlobal {
		region = ""
	}
	svc := t.arnSvc
	if svc == "" {
		svc = t.Module()
	}
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s%s", at.partition(), svc, region, at.Account, t.arnPrefix, name)
}

// url is a queue URL as SQS forms it, https://sqs.<region>.amazonaws.com/<account>/<name>
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-message-identifiers.html).
func (t *Type) url(at Place, name string) string {
	return fmt.Sprintf("https://%s.%s.amazonaws.com/%s/%s", t.Module(), at.Region, at.Account, name)
}

var timeLike = regexp.MustCompile(`(Date|Time|Timestamp|At)$|^(created|updated|lastModified)`)

// output is a plausible value for an output-only property.
func (t *Type) output(p Prop, at Place, name, arn string, out resource.PropertyMap) (resource.PropertyValue, bool) {
	str := resource.NewProperty[string]
	switch p.Kind {
	case String:
		switch {
		case p.Name == "arn" && arn != "":
			return str(arn), true
		case p.Name == "url" && t.idKind == "url":
			return str(t.url(at, name)), true
		case p.Name == "region":
			return str(at.Region), true
		case p.Name == "ownerId" || p.Name == "accountId" || p.Name == "owner" || p.Name == "ownerAccountId":
			return str(at.Account), true
		case timeLike.MatchString(p.Name):
			return str(time.Now().UTC().Format(time.RFC3339)), true
		case strings.HasSuffix(p.Name, "Id"):
			return str(at.draw(20, upperAlnum)), true
		}
		return str(""), true
	case Number:
		return resource.NewProperty(0.0), true
	case Bool:
		return resource.NewProperty(false), true
	case List:
		return resource.NewProperty([]resource.PropertyValue{}), true
	case Map:
		if p.Name == "tagsAll" {
			if tags, ok := out["tags"]; ok {
				return tags, true
			}
		}
		return resource.NewObjectProperty(resource.PropertyMap{}), true
	}
	return resource.PropertyValue{}, false
}

var placeholders = regexp.MustCompile(`\b\d{12}\b|\b[a-z]{2}(-gov)?-[a-z]+-\d\b`)

// shaped makes an id in the shape of the SDK's import example: the account
// and region are the resource's, every other letter and digit is drawn anew
// in its class, separators stay. "vpc-a01106c2" → "vpc-" + 8 characters is
// what a prefix-and-hex id needs; ids joined by "/" or "," keep their parts.
func shaped(example string, at Place) string {
	var b strings.Builder
	last := 0
	for _, m := range placeholders.FindAllStringIndex(example, -1) {
		b.WriteString(scramble(example[last:m[0]], at))
		if strings.Contains(example[m[0]:m[1]], "-") {
			b.WriteString(at.Region)
		} else {
			b.WriteString(at.Account)
		}
		last = m[1]
	}
	b.WriteString(scramble(example[last:], at))
	return b.String()
}

var prefixRe = regexp.MustCompile(`^[a-z]+-`)

// scramble redraws letters and digits, keeping a lower-case word prefix such
// as "vpc-" or "sg-".
func scramble(s string, at Place) string {
	var b strings.Builder
	keep := prefixRe.FindString(s)
	b.WriteString(keep)
	for _, r := range s[len(keep):] {
		switch {
		case r >= '0' && r <= '9':
			b.WriteString(at.draw(1, digits))
		case r >= 'a' && r <= 'f':
			b.WriteString(at.draw(1, lowerHex))
		case r >= 'a' && r <= 'z':
			b.WriteString(at.draw(1, lower))
		case r >= 'A' && r <= 'Z':
			b.WriteString(at.draw(1, upper))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

const (
	digits     = "0123456789"
	lowerHex   = "0123456789abcdef"
	lower      = "abcdefghijklmnopqrstuvwxyz"
	upper      = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	upperAlnum = upper + digits
)

func alnum(n int, from string) string {
	b := make([]byte, n)
	for i := range b {
		k, err := rand.Int(rand.Reader, big.NewInt(int64(len(from))))
		if err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		b[i] = from[k.Int64()]
	}
	return string(b)
}
