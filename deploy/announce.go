package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/kirikae/kirikae/engine"
	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/notify"
	"github.com/kirikae/kirikae/stacks"
)

// announcer tells the stack's channels (Slack, the JSON webhook; the SNS
// topic is added by withTopic) what a
// deploy did. It is built once per session, on first use, and only reads
// the secret URLs (one engine call) when the stack configures a channel.
func (s *Session) announcer(ctx context.Context) (*notify.Dispatcher, error) {
	if s.notifier != nil || (!s.Config.SlackWebhook.Set && !s.Config.WebhookURL.Set) {
		return s.notifier, nil
	}
	var nc notify.Config
	if err := s.readSecrets(ctx, map[string]*string{
		stacks.KeySlackWebhookURL: &nc.SlackURL,
		stacks.KeyWebhookURL:      &nc.WebhookURL,
		stacks.KeyWebhookSecret:   &nc.WebhookSecret,
	}); err != nil {
		return nil, err
	}
	if s.Sandbox() {
		// A sandbox run is an experiment: it never tells the team's real
		// channels, only a receiver on this machine.
		for _, u := range []*string{&nc.SlackURL, &nc.WebhookURL} {
			if *u != "" && !notify.IsLoopbackURL(*u) {
				s.Phase("sandbox: notifications go only to receivers on this machine; %s is skipped", notify.RedactURL(*u))
				*u = ""
			}
		}
	}
	senders, err := notify.Senders(nc)
	if err != nil {
		return nil, err
	}
	s.notifier = notify.New(senders...)
	if s.notifyTune != nil {
		s.notifyTune(s.notifier)
	}
	return s.notifier, nil
}

// announce sends ev and reports each failed delivery as a warning phase
// (the CLI shows it) and in the returned note (the journal keeps it). A
// notification never fails the operation it reports on.
func (s *Session) announce(ctx context.Context, ev notify.Event) string {
	d, err := s.announcer(ctx)
	if err != nil {
		s.Phase("warning: notifications are off for this run: %s", engine.FirstLine(err.Error()))
		return "notifications off: " + engine.FirstLine(err.Error())
	}
	d = s.withTopic(ctx, d)
	if d == nil {
		return ""
	}
	ev.Stack, ev.RunURL, ev.Who = s.Stack(), notify.CIRunURL(), who()
	warnings := notify.Warnings(d.Dispatch(context.WithoutCancel(ctx), ev))
	for _, w := range warnings {
		s.Phase("warning: %s", w)
	}
	return strings.Join(warnings, "; ")
}

// deployEvent describes how a deploy, rollback or promote ended.
func (r *run) deployEvent(err error) notify.Event {
	if r.last != nil && r.s.alarmTopic == "" {
		// A first deploy just created the alarm topic: its outcome goes
		// there too (see withTopic).
		r.s.alarmTopic = outputString(r.last.Outputs, infra.OutputAlarmTopicArn)
	}
	ev := notify.Event{Changes: r.res.Changes, ReleaseID: r.res.Release.ID, ReleaseName: r.res.Release.Name()}
	if live, ok := LiveRelease(r.p.releases); ok && r.p.deployed {
		ev.RollbackCommand = r.s.rollbackCommand(live.ID)
	}
	var vf *VerifyFailedError
	var cb *CircuitBreakerError
	switch {
	case err == nil && r.kind == KindRollback:
		ev.Kind = notify.RolledBackManual
	case err == nil && r.kind == KindPromote:
		ev.Kind = notify.Promoted
	case err == nil:
		ev.Kind = notify.DeploySucceeded
	case errors.As(err, &vf) && vf.Check == "watch":
		ev.Kind, ev.Reason = notify.AlarmFired, vf.Error()
		ev.ReleaseID, ev.ReleaseName, ev.RollbackCommand = vf.ID, vf.Release, ""
	case errors.As(err, &vf) && vf.RolledBackTo > 0:
		ev.Kind, ev.Reason = notify.RolledBackAutomatic, vf.Error()
		ev.ReleaseID, ev.ReleaseName, ev.RollbackCommand = vf.ID, vf.Release, ""
	case errors.As(err, &vf):
		ev.Kind, ev.Reason = notify.VerifyFailed, vf.Error()
		ev.ReleaseID, ev.ReleaseName = vf.ID, vf.Release
	case errors.As(err, &cb) && cb.RolledBackTo > 0:
		ev.Kind, ev.Reason, ev.RollbackCommand = notify.RolledBackAutomatic, cb.Error(), ""
	default:
		ev.Kind, ev.Reason = notify.DeployFailed, engine.FirstLine(err.Error())
	}
	if ev.ReleaseName == "release 0" {
		ev.ReleaseName = releaseNameOf(r.p.Target)
	}
	return ev
}

// releaseNameOf names values the way Release.Name does, for a deploy that
// failed before it became a release.
func releaseNameOf(values Values) string {
	return Release{ImageTag: values.Image.Tag, FrontendRelease: values.FrontendRelease}.Name()
}

// readSecrets fills each configured secret key's plaintext: a `secure:`
// value through the engine (one call, only when there is one), an `ssm:`
// reference through Parameter Store with this run's credentials (the deploy
// role has them, the preview role does not).
func (s *Session) readSecrets(ctx context.Context, into map[string]*string) error {
	var all auto.ConfigMap
	for key, dst := range into {
		sec := s.Config.SecretOf(key)
		switch {
		case !sec.Set:
		case sec.Ref != "":
			c, err := s.cloudAPI(ctx)
			if err != nil {
				return fmt.Errorf("read %s of %s: %w", key, s.Stack(), err)
			}
			v, err := c.Parameter(ctx, sec.Ref)
			if err != nil {
				return fmt.Errorf("read %s of %s: %w", key, s.Stack(), err)
			}
			*dst = v
		default:
			if all == nil {
				var err error
				if all, err = s.AllConfig(ctx); err != nil {
					return fmt.Errorf("read notification settings of %s: %s", s.Stack(), engine.Message(err.Error()))
				}
			}
			*dst = all[key].Value
		}
	}
	return nil
}
