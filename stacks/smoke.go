package stacks

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// SmokeCheck is one entry of kirikae:smokeChecks, written
// `METHOD PATH STATUS [TEXT]`: a request the team's release must answer
// with STATUS (and, when TEXT is given, a body containing it) on the idle
// colour before the flip and on the live URL after it, as CodeDeploy's
// AfterAllowTestTraffic hook tests the replacement through the test
// listener before production traffic moves.
// https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#appspec-hooks-ecs
type SmokeCheck struct {
	Method string // GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS
	Path   string // absolute URL path, may carry a query
	Status int    // 100..599
	Text   string // "" = the body is not checked

	// text is the entry as written, kept so validation can name an entry
	// that does not parse.
	text string
}

// smokeMethods are the methods a smoke check may send: requests without a
// body, which is all an entry can describe.
var smokeMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions}

// ParseSmokeCheck reads `METHOD PATH STATUS [TEXT]`; TEXT is the rest of
// the line, spaces included.
func ParseSmokeCheck(s string) (SmokeCheck, error) {
	c := SmokeCheck{text: s}
	m := reSmokeCheck.FindStringSubmatch(s)
	if m == nil {
		return c, fmt.Errorf("is not METHOD PATH STATUS [TEXT] (e.g. GET /api/hello 200 hello)")
	}
	c.Method, c.Path, c.Text = m[1], m[2], strings.TrimSpace(m[4])
	if !slices.Contains(smokeMethods, c.Method) {
		return c, fmt.Errorf("has method %q; use one of: %s", c.Method, strings.Join(smokeMethods, ", "))
	}
	if !strings.HasPrefix(c.Path, "/") {
		return c, fmt.Errorf("has path %q; it must start with /", c.Path)
	}
	n, err := strconv.Atoi(m[3])
	if err != nil || n < 100 || n > 599 {
		return c, fmt.Errorf("has status %q; it must be an HTTP status 100..599", m[3])
	}
	c.Status = n
	return c, nil
}

// reSmokeCheck splits an entry into method, path, status and the rest of
// the line (TEXT, spaces included).
var reSmokeCheck = regexp.MustCompile(`^\s*(\S+)\s+(\S+)\s+(\S+)(?:\s+(.*))?$`)

// String is the entry as written (or rebuilt from its fields).
func (c SmokeCheck) String() string {
	if c.text != "" {
		return c.text
	}
	s := fmt.Sprintf("%s %s %d", c.Method, c.Path, c.Status)
	if c.Text != "" {
		s += " " + c.Text
	}
	return s
}

// Name is how a failed check is named: `smoke GET /api/hello`.
func (c SmokeCheck) Name() string {
	return "smoke " + c.Method + " " + c.Path
}

// smokeEntries turns the list as read into SmokeChecks; entries that do not
// parse are kept as text for smokeProblems to report.
func smokeEntries(items []string) []SmokeCheck {
	if items == nil {
		return nil
	}
	out := make([]SmokeCheck, 0, len(items))
	for _, s := range items {
		c, _ := ParseSmokeCheck(s)
		out = append(out, c)
	}
	return out
}

func smokeTexts(cs []SmokeCheck) []string {
	if cs == nil {
		return nil
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.String()
	}
	return out
}

// smokeProblems checks every entry, naming the entry's own line.
func smokeProblems(v any) []issue {
	var out []issue
	for i, s := range v.([]string) {
		if _, err := ParseSmokeCheck(s); err != nil {
			out = append(out, issue{value: s, item: i + 1, msg: err.Error()})
		}
	}
	return out
}
