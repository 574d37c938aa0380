package deploy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/kirikae/kirikae/stacks"
	"github.com/kirikae/kirikae/verify"
)

// The team's own checks (kirikae:smokeChecks, kirikae:smokeCommand) run
// where the built-in probe runs: on the staged release before any traffic
// moves (the idle colour through the test listener, as CodeDeploy's
// AfterAllowTestTraffic hook tests the replacement task set), and the
// checks again on the live URL after the flip. A failure is a
// *verify.FailedError, so it takes the path every failed verification
// takes: the release is recorded as failed, journaled and notified, and
// the previous release keeps (or goes back to) serving.
// https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#appspec-hooks-ecs

// smokeCommandCheck names a failed kirikae:smokeCommand.
const smokeCommandCheck = "smokeCommand"

// smokeOutputTail bounds the command output kept in the release record and
// the journal (its end, where test runners print the failure summary).
const smokeOutputTail = 800

// smokeChecks are the stack's smoke checks against base.
func smokeChecks(cfg stacks.Config, base string) []verify.Check {
	out := make([]verify.Check, 0, len(cfg.SmokeChecks))
	for _, c := range cfg.SmokeChecks {
		out = append(out, verify.Check{Name: c.Name(), URL: base, Path: c.Path, Method: c.Method,
			ExpectStatus: c.Status, ExpectText: c.Text})
	}
	return out
}

// smoke runs the smoke checks against base and, when command is set, the
// smoke command with KIRIKAE_SMOKE_URL=base. where names base in phases.
func (r *run) smoke(ctx context.Context, where, base string, command bool) error {
	cfg := r.p.cfg
	if r.o.SkipVerify || base == "" {
		return nil
	}
	if cs := smokeChecks(cfg, base); len(cs) > 0 {
		r.s.Phase("smoke: %d %s on %s", len(cs), plural(len(cs), "check"), where)
		var err error
		if isLocal(base) {
			// The candidate Lambda version's listener: a plain client.
			_, err = verify.Run(ctx, cs, r.s.checkOptions(cfg, &http.Client{Timeout: 30 * time.Second}))
		} else {
			_, err = r.s.runChecks(ctx, cfg, cs)
		}
		if err != nil {
			return err
		}
		r.note("smoke checks passed on " + where)
	}
	if command && cfg.SmokeCommand != "" {
		r.s.Phase("smoke: %s on %s", cfg.SmokeCommand, where)
		if err := r.s.runSmokeCommand(ctx, cfg, base, releaseNameOf(r.p.Target)); err != nil {
			return err
		}
		r.note("smoke command passed on " + where)
	}
	return nil
}

// runSmokeCommand runs kirikae:smokeCommand from the project directory
// with a timeout. Exit 0 passes; anything else is a *verify.FailedError
// carrying the end of the output, which the phase shows in full (up to
// the last lines) so a failing test is read where the deploy stopped.
func (s *Session) runSmokeCommand(ctx context.Context, cfg stacks.Config, base, release string) error {
	target, stop, err := s.reachable(ctx, base)
	if err != nil {
		return err
	}
	defer stop()
	parent := ctx
	ctx, cancel := context.WithTimeout(parent, cfg.SmokeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", cfg.SmokeCommand)
	cmd.Dir = s.ProjectDir()
	cmd.Env = append(os.Environ(),
		"KIRIKAE_SMOKE_URL="+target, "KIRIKAE_STACK="+s.Stack(), "KIRIKAE_RELEASE="+release)
	// A test binary the shell started may outlive it; do not wait forever
	// for its copy of the output pipe.
	cmd.WaitDelay = 5 * time.Second
	out, runErr := cmd.CombinedOutput()
	if runErr == nil {
		return nil
	}
	if err := parent.Err(); err != nil {
		return fmt.Errorf("run smoke command: %w", err) // interrupted: not the release's fault
	}
	why := runErr.Error()
	var ee *exec.ExitError
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		why = fmt.Sprintf("timed out after %s (kirikae:smokeTimeout)", cfg.SmokeTimeout)
	case errors.As(runErr, &ee):
		why = fmt.Sprintf("exit %d", ee.ExitCode())
	}
	text := strings.TrimRight(string(out), "\n")
	for _, line := range lastLines(text, 40) {
		s.Phase("smoke | %s", line)
	}
	reason := fmt.Sprintf("%s: %s", cfg.SmokeCommand, why)
	if text != "" {
		// One line: the journal keeps an error's first line.
		reason += "; output ends: " + strings.ReplaceAll(tail(text, smokeOutputTail), "\n", " ⏎ ")
	}
	return &verify.FailedError{Results: []verify.Result{{
		Check: verify.Check{Name: smokeCommandCheck, URL: base}, Err: reason,
	}}}
}

// reachable returns a URL a separate process can reach base at. On AWS
// that is base itself; the sandbox's hosts answer only to the data
// plane's client, so the command gets a local listener forwarding to it.
func (s *Session) reachable(ctx context.Context, base string) (string, func(), error) {
	if !s.Sandbox() || isLocal(base) {
		return base, func() {}, nil // AWS's own address, or already local
	}
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return "", nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, fmt.Errorf("parse smoke URL %s: %w", base, err)
	}
	// SetURL also sends the target's Host: the front door routes by it.
	proxy := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(u) },
		Transport: c.HTTPClient().Transport}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("listen for the smoke command: %w", err)
	}
	srv := &http.Server{Handler: proxy, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// isLocal reports a URL kirikae itself serves on this machine.
func isLocal(base string) bool { return strings.HasPrefix(base, "http://127.0.0.1:") }

func lastLines(s string, n int) []string {
	if s == "" {
		return nil
	}
	lines := strings.Split(s, "\n")
	return lines[max(0, len(lines)-n):]
}

// tail keeps the last n bytes of s (at a rune start).
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && s[i]&0xC0 == 0x80 {
		i++
	}
	return "…" + s[i:]
}

func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
