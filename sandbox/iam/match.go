package iam

import (
	"regexp"
	"strings"
)

// tok is one element of a compiled pattern: a literal rune, or a wildcard.
type tok struct {
	r    rune
	kind byte // 0 literal, '*' or '?'
	// span: a '*' that ends an ARN segment may match past ':'.
	span bool
}

// varRef is a policy variable: ${key} or ${key, 'default'}.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
var varRef = regexp.MustCompile(`\$\{([^}]*)\}`)

// compile turns a policy string into tokens, replacing policy variables
// from the request context. ${*}, ${?} and ${$} are the literal
// characters. ok is false when a variable has no value and no default:
// AWS then treats the element as not matching.
func compile(pattern string, ctx Context, arn bool) ([]tok, bool) {
	var out []tok
	ok := true
	last := 0
	emit := func(s string, wild bool) {
		for _, r := range s {
			if wild && (r == '*' || r == '?') {
				out = append(out, tok{kind: byte(r)})
				continue
			}
			out = append(out, tok{r: r})
		}
	}
	for _, m := range varRef.FindAllStringSubmatchIndex(pattern, -1) {
		emit(pattern[last:m[0]], true)
		last = m[1]
		inner := pattern[m[2]:m[3]]
		switch inner {
		case "*", "?", "$":
			emit(inner, false)
			continue
		}
		key, def, hasDef := strings.Cut(inner, ",")
		if v, found := ctx.get(strings.TrimSpace(key)); found && len(v) > 0 {
			emit(v[0], false)
			continue
		}
		if hasDef {
			emit(strings.Trim(strings.TrimSpace(def), "'"), false)
			continue
		}
		ok = false
	}
	emit(pattern[last:], true)
	if arn {
		// "If the * wildcard is the last character of a resource ARN
		// segment, it can expand to match beyond the colon boundaries":
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
		for i := range out {
			if out[i].kind == '*' && (i == len(out)-1 || (out[i+1].kind == 0 && out[i+1].r == ':')) {
				out[i].span = true
			}
		}
	}
	return out, ok
}

// globMatch matches s against toks. With arn, a non-spanning '*' or a '?'
// does not match ':'.
func globMatch(toks []tok, s string, arn, fold bool) bool {
	rs := []rune(s)
	var m func(i, j int) bool
	memo := map[[2]int]bool{}
	m = func(i, j int) bool {
		key := [2]int{i, j}
		if v, seen := memo[key]; seen {
			return v
		}
		var res bool
		switch {
		case i == len(toks):
			res = j == len(rs)
		case toks[i].kind == '*':
			res = m(i+1, j) || (j < len(rs) && (!arn || toks[i].span || rs[j] != ':') && m(i, j+1))
		case j == len(rs):
			res = false
		case toks[i].kind == '?':
			res = (!arn || rs[j] != ':') && m(i+1, j+1)
		default:
			a, b := toks[i].r, rs[j]
			if fold {
				a, b = toLower(a), toLower(b)
			}
			res = a == b && m(i+1, j+1)
		}
		memo[key] = res
		return res
	}
	return m(0, 0)
}

func toLower(r rune) rune {
	if r >= 'A' && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

// actionMatches: "Action and NotAction values are case-insensitive", and
// wildcards may appear anywhere after the service prefix:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
func actionMatches(pattern, action string) bool {
	toks, _ := compile(pattern, nil, false)
	return globMatch(toks, action, false, true)
}

// resourceMatches compares an ARN with a Resource pattern, case-sensitively
// (ARNs are case-sensitive), after replacing policy variables.
func resourceMatches(pattern, resource string, ctx Context) bool {
	if pattern == "*" {
		return true
	}
	toks, ok := compile(pattern, ctx, true)
	return ok && globMatch(toks, resource, true, false)
}
