package deploy

import (
	"context"
	"slices"

	"github.com/kirikae/kirikae/infra"
	"github.com/kirikae/kirikae/notify"
)

// Outputs reads the stack's outputs, as the engine session does, and
// remembers the alarm topic (output alarmTopicArn) so notifications also
// go to it without another engine call: every deploy reads the outputs
// while planning.
func (s *Session) Outputs(ctx context.Context) (map[string]Output, error) {
	outs, err := s.Session.Outputs(ctx)
	if err == nil {
		s.alarmTopic = outputString(outs, infra.OutputAlarmTopicArn)
	}
	return outs, err
}

// withTopic adds the stack's SNS topic to d's senders, when the stack has
// one (it is created by the first deploy): on AWS its subscribers (the
// alert emails, chat integrations) hear about deploys as they hear about
// alarms; in the sandbox the simulated topic records the messages. d may
// be nil (no Slack or webhook configured).
func (s *Session) withTopic(ctx context.Context, d *notify.Dispatcher) *notify.Dispatcher {
	if s.alarmTopic == "" {
		return d
	}
	c, err := s.cloudAPI(ctx)
	if err != nil {
		s.Phase("warning: deploy messages are not published to the alarm topic: %s", err)
		return d
	}
	topic, err := notify.NewTopic(c, s.alarmTopic)
	if err != nil {
		s.Phase("warning: %s", err)
		return d
	}
	if d != nil {
		withTopic := *d
		withTopic.Senders = append(slices.Clone(d.Senders), topic)
		return &withTopic
	}
	d = notify.New(topic)
	if s.notifyTune != nil {
		s.notifyTune(d)
	}
	return d
}
