package generic

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"sort"
	"strings"
	"sync"
)

// types.txt.gz is the type table gentypes reads out of the pulumi-aws Go SDK
// (go generate): one line per resource type,
//
//	token \t id shape \t arn shape \t name:kind[i][q][r],…
//
// kind is s string, n number, b bool, l list, m map, o object, a any;
// i an input, q a required input, r an input whose documentation says
// changing it forces a new resource.
//
//go:embed types.txt.gz
var table []byte

// Kind is the shape of a property's value.
type Kind byte

// Property kinds, as the SDK's Go field types declare them.
const (
	String Kind = 's'
	Number Kind = 'n'
	Bool   Kind = 'b'
	List   Kind = 'l'
	Map    Kind = 'm'
	Object Kind = 'o'
	Any    Kind = 'a'
)

// Prop is one property of a type's …State struct.
type Prop struct {
	Name     string
	Kind     Kind
	Input    bool // in the …Args struct too; otherwise an output only
	Required bool
	// DocForcesNew: the SDK documentation says changing it forces a new
	// resource.
	DocForcesNew bool
}

// Type is what the pulumi-aws SDK declares about one resource type.
type Type struct {
	Token string
	Props []Prop

	idKind    string // arn, name, url, ex=<import example>, or "" (unknown)
	arnSvc    string
	arnGlobal bool
	arnPrefix string
}

var (
	loadOnce sync.Once
	types    map[string]*Type
	tokens   []string
)

func load() {
	types = map[string]*Type{}
	zr, err := gzip.NewReader(bytes.NewReader(table))
	if err != nil {
		panic("generic: read embedded type table: " + err.Error()) // a build defect, caught by any test
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			continue
		}
		t := &Type{Token: f[0], idKind: f[1]}
		arn := strings.SplitN(f[2], ":", 3)
		if len(arn) == 3 {
			t.arnSvc, t.arnGlobal, t.arnPrefix = arn[0], arn[1] == "g", arn[2]
		}
		for _, p := range strings.Split(f[3], ",") {
			name, flags, ok := strings.Cut(p, ":")
			if !ok || flags == "" {
				continue
			}
			t.Props = append(t.Props, Prop{Name: name, Kind: Kind(flags[0]),
				Input: strings.Contains(flags, "i"), Required: strings.Contains(flags, "q"),
				DocForcesNew: strings.Contains(flags, "r")})
		}
		types[t.Token] = t
		tokens = append(tokens, t.Token)
	}
	sort.Strings(tokens)
}

// Lookup returns what pulumi-aws v6 declares about token; ok is false when
// it has no such resource type.
func Lookup(token string) (*Type, bool) {
	loadOnce.Do(load)
	t, ok := types[token]
	return t, ok
}

// Tokens lists every resource type token of pulumi-aws v6, sorted.
func Tokens() []string {
	loadOnce.Do(load)
	return append([]string(nil), tokens...)
}

// Prop returns the named property.
func (t *Type) Prop(name string) (Prop, bool) {
	for _, p := range t.Props {
		if p.Name == name {
			return p, true
		}
	}
	return Prop{}, false
}

// Module is the token's module, the service's folder in the SDK ("sqs").
func (t *Type) Module() string {
	mod, _, _ := strings.Cut(strings.TrimPrefix(t.Token, "aws:"), "/")
	return mod
}

// NameProperty is the property that holds the resource's physical name,
// autonamed when the program leaves it out (as pulumi-aws does for name),
// or "" when the type has none.
func (t *Type) NameProperty() string {
	if p, ok := t.Prop("name"); ok && p.Input && p.Kind == String {
		return "name"
	}
	return ""
}

// Required lists the inputs the SDK refuses to go without.
func (t *Type) Required() []string {
	var out []string
	for _, p := range t.Props {
		if p.Required {
			out = append(out, p.Name)
		}
	}
	return out
}

// Replaces reports whether changing input prop forces a new resource. The
// SDK carries no forceNew flag (the provider learns it from the Terraform
// schema at run time), so this knows only two things: what the property's
// documentation says, and that a resource's name is its identity — AWS APIs
// have no rename call for the resources they identify by name (SQS
// CreateQueue, DynamoDB CreateTable, Secrets Manager CreateSecret, IAM
// CreatePolicy take the name only at creation).
func (t *Type) Replaces(prop string) bool {
	p, ok := t.Prop(prop)
	if !ok || !p.Input {
		return false
	}
	return p.DocForcesNew || prop == "name" || prop == "namePrefix"
}

// Replacing lists the inputs for which Replaces holds.
func (t *Type) Replacing() []string {
	var out []string
	for _, p := range t.Props {
		if t.Replaces(p.Name) {
			out = append(out, p.Name)
		}
	}
	return out
}

// Closest is the real type token nearest to token by edit distance, for
// refusing a typo with a suggestion.
func Closest(token string) string {
	loadOnce.Do(load)
	best, bestD := "", -1
	for _, c := range tokens {
		if d := distance(strings.ToLower(token), strings.ToLower(c)); bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
