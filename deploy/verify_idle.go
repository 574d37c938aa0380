package deploy

import (
	"context"

	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/stacks"
	"github.com/kirikae/kirikae/verify"
)

// verifyIdle checks a staged ECS release through the ALB's test listener
// (kirikae:testListenerPort), which forwards only to the idle colour, as
// CodeDeploy's blue/green deployments test the replacement task set
// before rerouting production traffic: the staged image must answer with
// its own version before anyone is switched to it. After the flip the
// usual checks run again through the production listener. Nothing is
// checked when the stack has no test listener, verification is skipped,
// or the stage is a Lambda one (its alias does not move until the switch;
// only the smoke checks reach the new version, by invoking it).
// https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-steps-ecs.html
func (r *run) verifyIdle(ctx context.Context, staged Values) error {
	cfg := r.p.cfg
	if cfg.Backend == stacks.BackendLambda {
		// The smoke checks reach the published version by invoking it
		// (lambda_candidate.go).
		return r.smokeCandidate(ctx)
	}
	url := outputString(r.last.Outputs, infra.OutputTestURL)
	if url == "" || r.o.SkipVerify || cfg.Backend != stacks.BackendECS {
		return nil
	}
	c := verify.Check{Name: "idle", URL: url, Path: cfg.VerifyPath, ExpectStatus: cfg.VerifyStatus,
		ExpectVersion: staged.idleImage().Tag}
	if c.Path == "" {
		c.Path = cfg.HealthCheckPath
	}
	idle := otherColor(staged.activeColor())
	r.s.Phase("verify: idle %s before the flip, through the test listener %s%s", idle, c.URL, c.Path)
	results, err := r.s.runChecks(ctx, cfg, []verify.Check{c})
	if err != nil {
		return err
	}
	for _, res := range results {
		r.s.Phase("verify: idle %s ok (%s)", idle, res.Version)
	}
	r.smoked = true
	return r.smoke(ctx, "idle "+idle+" through the test listener", url, true)
}
