package iam

import (
	"strconv"
	"strings"
)

// Context is the request context: condition keys (case-insensitive, as
// AWS compares key names) and their values.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
type Context map[string][]string

// Set adds a key's values.
func (c Context) Set(key string, vals ...string) { c[strings.ToLower(key)] = vals }

func (c Context) get(key string) ([]string, bool) {
	if c == nil {
		return nil, false
	}
	v, ok := c[strings.ToLower(key)]
	return v, ok
}

// operator is a condition operator without its set prefix and IfExists
// suffix: match compares one policy value with one request value.
type operator struct {
	negated bool
	match   func(policy, value string, ctx Context) bool
}

func stringEquals(p, v string, _ Context) bool { return p == v }

func stringEqualsFold(p, v string, _ Context) bool { return strings.EqualFold(p, v) }

func stringLike(p, v string, ctx Context) bool {
	toks, ok := compile(p, ctx, false)
	return ok && globMatch(toks, v, false, false)
}

func arnLike(p, v string, ctx Context) bool { return resourceMatches(p, v, ctx) }

func numeric(cmp func(a, b float64) bool) func(p, v string, _ Context) bool {
	return func(p, v string, _ Context) bool {
		a, err1 := strconv.ParseFloat(v, 64)
		b, err2 := strconv.ParseFloat(p, 64)
		return err1 == nil && err2 == nil && cmp(a, b)
	}
}

// operators are the condition operators of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// (Date and IpAddress operators are not modelled: the sandbox's requests
// carry neither time nor source-address keys).
var operators = map[string]operator{
	"stringequals":              {match: stringEquals},
	"stringnotequals":           {negated: true, match: stringEquals},
	"stringequalsignorecase":    {match: stringEqualsFold},
	"stringnotequalsignorecase": {negated: true, match: stringEqualsFold},
	"stringlike":                {match: stringLike},
	"stringnotlike":             {negated: true, match: stringLike},
	"arnequals":                 {match: arnLike},
	"arnlike":                   {match: arnLike},
	"arnnotequals":              {negated: true, match: arnLike},
	"arnnotlike":                {negated: true, match: arnLike},
	"bool":                      {match: stringEqualsFold},
	"numericequals":             {match: numeric(func(a, b float64) bool { return a == b })},
	"numericnotequals":          {negated: true, match: numeric(func(a, b float64) bool { return a == b })},
	"numericlessthan":           {match: numeric(func(a, b float64) bool { return a < b })},
	"numericlessthanequals":     {match: numeric(func(a, b float64) bool { return a <= b })},
	"numericgreaterthan":        {match: numeric(func(a, b float64) bool { return a > b })},
	"numericgreaterthanequals":  {match: numeric(func(a, b float64) bool { return a >= b })},
}

// parsedOperator splits ForAllValues:/ForAnyValue: and IfExists off an
// operator name; ok is false for an operator IAM does not know.
type parsedOperator struct {
	op       operator
	set      string // "", "forallvalues", "foranyvalue"
	ifExists bool
	null     bool
}

func parseOperator(name string) (parsedOperator, bool) {
	n := strings.ToLower(name)
	var p parsedOperator
	if set, rest, ok := strings.Cut(n, ":"); ok {
		if set != "forallvalues" && set != "foranyvalue" {
			return p, false
		}
		p.set, n = set, rest
	}
	if n == "null" {
		p.null = true
		return p, p.set == ""
	}
	if base, ok := strings.CutSuffix(n, "ifexists"); ok {
		p.ifExists, n = true, base
	}
	op, ok := operators[n]
	p.op = op
	return p, ok
}

// holds evaluates one operator block: every key must hold (AND), and a key
// holds when a request value matches any of the key's policy values (OR).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
func holds(name string, keys map[string]values, ctx Context) bool {
	p, ok := parseOperator(name)
	if !ok {
		return false
	}
	for key, want := range keys {
		got, present := ctx.get(key)
		present = present && len(got) > 0
		if !p.keyHolds(key, want, got, present, ctx) {
			return false
		}
	}
	return true
}

func (p parsedOperator) keyHolds(key string, want, got []string, present bool, ctx Context) bool {
	if p.null {
		// Null: "true" means the key is absent from the request.
		return len(want) > 0 && strings.EqualFold(want[0], "true") != present
	}
	// any reports whether value matches one of the policy's values.
	any := func(value string) bool {
		for _, w := range want {
			if p.op.match(w, value, ctx) {
				return true
			}
		}
		return false
	}
	// one value satisfies the operator: a match, or for a negated
	// operator, matching none.
	one := func(value string) bool { return any(value) != p.op.negated }
	switch p.set {
	case "forallvalues":
		// True for a missing key: every one of no values matches.
		for _, v := range got {
			if !one(v) {
				return false
			}
		}
		return true
	case "foranyvalue":
		for _, v := range got {
			if one(v) {
				return true
			}
		}
		return false
	}
	if !present {
		// Missing keys: IfExists holds; a negated operator holds (nothing
		// equals); any other operator fails.
		return p.ifExists || p.op.negated
	}
	if p.op.negated {
		for _, v := range got {
			if any(v) {
				return false
			}
		}
		return true
	}
	for _, v := range got {
		if any(v) {
			return true
		}
	}
	return false
}
