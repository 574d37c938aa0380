package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kirikae/kirikae/engine"
	"github.com/kirikae/kirikae/notify"
	"github.com/kirikae/kirikae/stacks"
)

// announcer tells the stack's channels (Slack, the JSON webhook) what a
// deploy did. It is built once per session, on first use, and only reads
// the secret URLs (one engine call) when the stack configures a channel.
func (s *Session) announcer(ctx context.Context) (*notify.Dispatcher, error) {
	if s.notifier != nil || (!s.Config.SlackWebhook.Set && !s.Config.WebhookURL.Set) {
		return s.notifier, nil
	}
	all, err := s.AllConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("read notification settings of %s: %s", s.Stack(), engine.Message(err.Error()))
	}
	nc := notify.Config{
		SlackURL:      all[stacks.KeySlackWebhookURL].Value,
		WebhookURL:    all[stacks.KeyWebhookURL].Value,
		WebhookSecret: all[stacks.KeyWebhookSecret].Value,
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
