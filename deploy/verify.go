package deploy

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
	"github.com/kirikae/kirikae/verify"
)

// ReleaseFile is the document kirikae writes into every frontend release;
// verification reads it through CloudFront to prove which release is served.
const ReleaseFile = "kirikae-release.json"

// checks builds the verification checks of a release: where to probe comes
// from the stack's outputs, what must be served from the release values
// kirikae applied (want), never from what the stack reports back: a check
// whose expectation is read from the thing it checks cannot fail. exact
// also demands the served version; during a canary two versions are served
// at once, so only the status is checked.
func checks(cfg stacks.Config, outs map[string]Output, want Values, exact bool) []verify.Check {
	var out []verify.Check
	if url := outputString(outs, infra.OutputURL); url != "" {
		c := verify.Check{Name: "api", URL: url, Path: cfg.VerifyPath, ExpectStatus: cfg.VerifyStatus}
		if c.Path == "" {
			c.Path = cfg.HealthCheckPath
		}
		if exact {
			c.ExpectVersion = expectedVersion(cfg, outs, want)
		}
		if cfg.Backend == stacks.BackendLambda {
			// A Lambda release is the published version alias live invokes,
			// which the function learns from the Lambda service
			// (AWS_LAMBDA_FUNCTION_VERSION), not from kirikae.
			c.VersionField = verify.FunctionVersionField
		}
		out = append(out, c)
	}
	if url := outputString(outs, infra.OutputFrontendURL); cfg.FrontendEnabled && url != "" {
		// The release the plan applied (the stack's config when the values
		// name none): the stack's frontendRelease output is what the update
		// reported back, and a check that reads its expectation from there
		// passes whatever the update did.
		expect := cmp.Or(want.FrontendRelease, cfg.FrontendRelease)
		out = append(out, verify.Check{
			Name: "frontend", URL: url, Path: "/" + ReleaseFile, ExpectVersion: expect,
		})
	}
	return out
}

// expectedVersion is the version the API must serve after applying want:
// the image tag the active colour was given (the stack's config when the
// values name none, never the stack's outputs), or the Lambda version alias
// `live` was moved to. A code deploy asks for the version its stage step
// published; "" (a first deploy) means the version this update published,
// which only the update can tell: its code is checked by CodeSha256
// (lambda_code.go).
func expectedVersion(cfg stacks.Config, outs map[string]Output, want Values) string {
	if cfg.Backend != stacks.BackendLambda {
		return cmp.Or(want.Image.Tag, cfg.ImageTag)
	}
	if v := want.Lambda.Version; v != "" {
		return v
	}
	return outputString(outs, infra.OutputLambdaLatestVersion)
}

// verifyRelease probes the release. A *verify.FailedError means the release
// is bad; any other error means kirikae could not tell.
// An exact check of a Lambda release also compares the code the version
// runs with the artifact planned (checkCode).
func (s *Session) verifyRelease(ctx context.Context, cfg stacks.Config, outs map[string]Output, want Values, exact bool) ([]verify.Result, error) {
	results, err := s.runChecks(ctx, cfg, checks(cfg, outs, want, exact))
	if !exact {
		return results, err
	}
	var failed *verify.FailedError
	if err != nil && !errors.As(err, &failed) {
		return results, err
	}
	code, cerr := s.checkCode(ctx, cfg, outs, want)
	if cerr != nil || code == nil {
		return results, cmp.Or(err, cerr)
	}
	if failed != nil {
		failed.Results = append(failed.Results, *code)
		return failed.Results, failed
	}
	results = append(results, *code)
	if !code.OK {
		return results, &verify.FailedError{Results: results}
	}
	return results, nil
}

// runChecks probes checks with the stack's attempts, interval and timeout.
func (s *Session) runChecks(ctx context.Context, cfg stacks.Config, cs []verify.Check) ([]verify.Result, error) {
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return nil, err
	}
	return verify.Run(ctx, cs, s.checkOptions(cfg, c.HTTPClient()))
}

// checkOptions are the stack's attempts, interval and timeout for checks
// made with client.
func (s *Session) checkOptions(cfg stacks.Config, client *http.Client) verify.Options {
	interval := s.verifyInterval
	if interval < 0 {
		// Spread the attempts over half the timeout, so a slow start still
		// passes, but never wait long between two of them.
		interval = min(cfg.VerifyTimeout/time.Duration(2*max(cfg.VerifyAttempts, 1)), 5*time.Second)
	}
	return verify.Options{Attempts: cfg.VerifyAttempts, Interval: interval, Timeout: cfg.VerifyTimeout, Client: client}
}

// failedCheck names the first failed check and why.
func failedCheck(err error) (check, reason string) {
	var fe *verify.FailedError
	if errors.As(err, &fe) && len(fe.Failed()) > 0 {
		f := fe.Failed()[0]
		return f.Check.Name, f.Err
	}
	return "verify", err.Error()
}

// checkRollout detects an ECS deployment the circuit breaker rolled back:
// Pulumi reports success with the requested task definition, but the
// service keeps running the old one.
func (s *Session) checkRollout(ctx context.Context, outs map[string]Output) error {
	cluster := outputString(outs, infra.OutputClusterName)
	if cluster == "" {
		return nil
	}
	c, err := s.cloudAPI(ctx)
	if err != nil {
		return err
	}
	for _, pair := range [][2]string{
		{infra.OutputActiveService, infra.OutputActiveTaskDefinition},
		{infra.OutputIdleService, infra.OutputIdleTaskDefinition},
	} {
		svc, want := outputString(outs, pair[0]), outputString(outs, pair[1])
		if svc == "" || want == "" {
			continue
		}
		running, err := c.RunningTaskDefinition(ctx, cluster, svc)
		if err != nil {
			return fmt.Errorf("check rollout of %s: %w", svc, err)
		}
		if !sameTaskDefinition(running, want) {
			return &CircuitBreakerError{Stack: s.Stack(), Cluster: cluster, Service: svc, Requested: want, Running: running}
		}
	}
	return nil
}

// sameTaskDefinition compares ARNs, tolerating the family:revision form.
func sameTaskDefinition(a, b string) bool {
	return a == b || strings.HasSuffix(a, "/"+shortARN(b)) || strings.HasSuffix(b, "/"+shortARN(a))
}
