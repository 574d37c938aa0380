package notify

import "errors"

// Config is where a stack wants to be told about deploys: the values of
// kirikae:slackWebhookUrl, kirikae:webhookUrl and kirikae:webhookSecret.
// Empty URLs are channels not configured.
type Config struct {
	SlackURL      string
	WebhookURL    string
	WebhookSecret string
}

// Senders builds a sender per configured channel. Every bad URL is reported
// at once (as *URLError values joined), so `config check` shows them all.
func Senders(c Config, opts ...Option) ([]Sender, error) {
	var (
		out  []Sender
		errs []error
	)
	if c.SlackURL != "" {
		s, err := NewSlack(c.SlackURL, opts...)
		if err != nil {
			errs = append(errs, err)
		} else {
			out = append(out, s)
		}
	}
	if c.WebhookURL != "" {
		w, err := NewWebhook(c.WebhookURL, c.WebhookSecret, opts...)
		if err != nil {
			errs = append(errs, err)
		} else {
			out = append(out, w)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}
