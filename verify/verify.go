// Package verify checks a release over real HTTP after a switch: each check
// GETs one URL, retrying until it answers with the expected status and
// version or the attempts run out. deploy rolls back when Run fails.
package verify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// VersionHeader is the header a service may use to report its version when
// its body is not JSON.
const VersionHeader = "X-Kirikae-Version"

// FunctionVersionHeader carries the Lambda function version that served a
// response (app/api sets it on Lambda).
const FunctionVersionHeader = "X-Kirikae-Function-Version"

// Check is one endpoint to verify.
type Check struct {
	Name          string // "api", "frontend"
	URL           string // base URL from stack outputs, e.g. https://d1.cloudfront.net
	Path          string // e.g. "/healthz" or "/kirikae-release.json"
	ExpectStatus  int    // 0 means 200
	ExpectVersion string // "" = don't check; else the served version must equal it
	// VersionField names what ExpectVersion is compared with: "" is the
	// release ("version" in the JSON body, else X-Kirikae-Version);
	// FunctionVersionField is the published Lambda version that served the
	// request ("functionVersion", else X-Kirikae-Function-Version).
	VersionField string
	// Method is the request's method; "" is GET.
	Method string
	// ExpectText, when set, must occur in the body (a smoke check's TEXT).
	ExpectText string
}

// FunctionVersionField selects the Lambda function version a response
// reports (the runtime's AWS_LAMBDA_FUNCTION_VERSION).
const FunctionVersionField = "functionVersion"

// Options tune Run. The zero value makes one attempt per check with the
// default client and no overall deadline beyond ctx.
type Options struct {
	Attempts int           // per check; <= 0 means 1
	Interval time.Duration // wait between attempts; 0 retries at once
	Timeout  time.Duration // overall deadline for the whole Run; 0 = none
	Client   *http.Client  // nil = a client with a 10 s per-request timeout
}

// Result is the outcome of one check after its last attempt.
type Result struct {
	Check    Check
	OK       bool
	Status   int    // of the last response; 0 when none arrived
	Version  string // served by the last response; "" when not reported
	Attempts int
	Err      string // why the check failed; "" when OK
}

// FailedError reports the checks that still failed after their retries.
type FailedError struct {
	Results []Result // every result, passed ones included
}

// Error names each failed check on one line, e.g.
// `verify api: GET http://x/healthz: status 503 after 5 attempts (want 200)`.
func (e *FailedError) Error() string {
	var parts []string
	for _, r := range e.Results {
		if !r.OK {
			parts = append(parts, "verify "+r.Check.Name+": "+r.Err)
		}
	}
	return strings.Join(parts, "; ")
}

// Failed returns the results that did not pass.
func (e *FailedError) Failed() []Result {
	var out []Result
	for _, r := range e.Results {
		if !r.OK {
			out = append(out, r)
		}
	}
	return out
}

var defaultClient = &http.Client{Timeout: 10 * time.Second}

// Run runs every check concurrently and returns their results in the order
// given. The error is a *FailedError when any check failed, including by
// running out of opts.Timeout; when ctx itself is cancelled the error wraps
// ctx's error instead, so a caller can tell "the release is bad" from "we
// were interrupted".
func Run(ctx context.Context, checks []Check, opts Options) ([]Result, error) {
	if opts.Attempts <= 0 {
		opts.Attempts = 1
	}
	if opts.Client == nil {
		opts.Client = defaultClient
	}
	runCtx := ctx
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	results := make([]Result, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Go(func() { results[i] = runCheck(runCtx, c, opts) })
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return results, fmt.Errorf("verify: %w", err)
	}
	for _, r := range results {
		if !r.OK {
			return results, &FailedError{Results: results}
		}
	}
	return results, nil
}

// runCheck retries one check until it passes, attempts run out or ctx ends.
func runCheck(ctx context.Context, c Check, opts Options) Result {
	res := Result{Check: c}
	want := c.ExpectStatus
	if want == 0 {
		want = http.StatusOK
	}
	url := strings.TrimSuffix(c.URL, "/") + "/" + strings.TrimPrefix(c.Path, "/")
	if c.URL == "" {
		res.Err = "no URL to verify (is the stack output missing?)"
		return res
	}
	problem, wantText := "not attempted", fmt.Sprintf("want %d", want)
	for res.Attempts < opts.Attempts {
		if res.Attempts > 0 && !wait(ctx, opts.Interval) {
			break
		}
		if ctx.Err() != nil {
			break
		}
		res.Attempts++
		a, err := probe(ctx, opts.Client, c.Method, url, c.VersionField)
		res.Status, res.Version = a.status, a.version
		switch {
		case errors.Is(err, errBadRequest):
			res.Err = fmt.Sprintf("%s %s: %v", method(c), url, err)
			return res
		case err != nil:
			problem, wantText = err.Error(), fmt.Sprintf("want %d", want)
		case a.status != want:
			problem, wantText = fmt.Sprintf("status %d%s", a.status, excerpt(a.body)), fmt.Sprintf("want %d", want)
		case c.ExpectText != "" && !bytes.Contains(a.body, []byte(c.ExpectText)):
			problem, wantText = "status "+strconv.Itoa(a.status)+excerpt(a.body), fmt.Sprintf("want a body containing %q", c.ExpectText)
		case c.ExpectVersion != "" && a.version == "":
			problem, wantText = "did not report a version", "want "+c.ExpectVersion
		case c.ExpectVersion != "" && a.version != c.ExpectVersion:
			problem, wantText = "served version "+a.version, "want "+c.ExpectVersion
		default:
			res.OK = true
			return res
		}
	}
	res.Err = fmt.Sprintf("%s %s: %s after %s (%s)", method(c), url, problem, plural(res.Attempts, "attempt"), wantText)
	if err := ctx.Err(); err != nil {
		res.Err += ": " + err.Error()
	}
	return res
}

func method(c Check) string {
	if c.Method == "" {
		return http.MethodGet
	}
	return c.Method
}

// excerptLen bounds the body a failure message quotes: enough for an error
// line, never a page.
const excerptLen = 120

// excerpt quotes the start of a body for a failure message, " (body: …)",
// or "" for an empty body.
func excerpt(body []byte) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if s == "" {
		return ""
	}
	if len(s) > excerptLen {
		s = s[:excerptLen] + "…"
	}
	return fmt.Sprintf(" (body: %q)", s)
}

// wait sleeps d unless ctx ends first; it reports whether to go on.
func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
