package notify

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// Slack posts to a Slack incoming webhook
// (https://api.slack.com/messaging/webhooks).
type Slack struct {
	url   string
	opts  options
	scrub scrubber
}

var _ Sender = (*Slack)(nil)

// NewSlack checks the URL (ValidateURL) and returns a sender for it.
func NewSlack(rawURL string, opts ...Option) (*Slack, error) {
	if err := ValidateURL(KindSlackURL, rawURL); err != nil {
		return nil, err
	}
	return &Slack{url: rawURL, opts: newOptions(opts), scrub: newScrubber(rawURL)}, nil
}

// Name says where messages go; the token in the path stays hidden.
func (s *Slack) Name() string { return "slack " + RedactURL(s.url) }

// Send makes one attempt. slack-go's PostWebhookContext always uses
// http.DefaultClient; its CustomHTTP variant is the same call through our
// client, which is how the deadline and the status classification apply.
func (s *Slack) Send(ctx context.Context, e Event) error {
	msg := SlackMessage(e)
	err := post(ctx, s.opts.client, s.scrub, func(c *http.Client) error {
		return slack.PostWebhookCustomHTTPContext(ctx, s.url, c, msg)
	})
	if err != nil {
		return fmt.Errorf("post slack message: %w", err)
	}
	return nil
}

// Attachment colours by outcome; an attachment is the only place Slack
// still draws a coloured bar beside Block Kit blocks.
var slackColors = map[Outcome]string{
	OutcomeSuccess: "#2eb886",
	OutcomeFailure: "#d40e0d",
	OutcomeWarning: "#daa038",
	OutcomeInfo:    "#439fe0",
}

var slackEmoji = map[Outcome]string{
	OutcomeSuccess: ":white_check_mark:",
	OutcomeFailure: ":x:",
	OutcomeWarning: ":warning:",
	OutcomeInfo:    ":rocket:",
}

// Slack caps a section's text at 3000 characters and a field at 2000
// (https://api.slack.com/reference/block-kit/blocks#section).
const slackFieldMax = 1900

// SlackMessage lays an event out as a headline and Block Kit blocks in one
// coloured attachment.
func SlackMessage(e Event) *slack.WebhookMessage {
	md := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
	}
	title := e.Title()
	var blocks []slack.Block
	var fields []*slack.TextBlockObject
	field := func(name, value string) {
		if value != "" {
			fields = append(fields, md("*"+name+"*\n"+escape(truncate(value, slackFieldMax))))
		}
	}
	field("Stack", e.Stack)
	field("Release", e.Release())
	field("Who", e.Who)
	if len(e.Changes) > 0 {
		field("Changes", e.ChangeSummary())
	}
	if len(fields) > 0 {
		blocks = append(blocks, slack.NewSectionBlock(nil, fields, nil))
	}
	if e.Reason != "" {
		blocks = append(blocks, slack.NewSectionBlock(md("*Why*\n"+escape(truncate(e.Reason, slackFieldMax))), nil, nil))
	}
	if e.RollbackCommand != "" {
		blocks = append(blocks, slack.NewSectionBlock(md("*Roll back*\n"+codeSpan(e.RollbackCommand)), nil, nil))
	}
	var ctx []slack.MixedElement
	if e.RunURL != "" {
		ctx = append(ctx, md("<"+escape(e.RunURL)+"|CI run>"))
	}
	if !e.Time.IsZero() {
		// Slack shows the time in each reader's own zone; the RFC 3339 text
		// is the fallback (https://api.slack.com/reference/surfaces/formatting#date-formatting).
		ctx = append(ctx, md(fmt.Sprintf("<!date^%d^{date_short_pretty} {time_secs}|%s>", e.Time.Unix(), e.Time.UTC().Format(time.RFC3339))))
	}
	if len(ctx) > 0 {
		blocks = append(blocks, slack.NewContextBlock("", ctx...))
	}
	msg := &slack.WebhookMessage{
		// The headline is the message text, so it is also what push
		// notifications show; the attachment below carries the details.
		Text: slackEmoji[e.Outcome()] + " " + escape(title),
	}
	if len(blocks) > 0 {
		msg.Attachments = []slack.Attachment{{
			Color:    slackColors[e.Outcome()],
			Fallback: escape(title),
			Blocks:   slack.Blocks{BlockSet: blocks},
		}}
	}
	return msg
}

// escape applies Slack's three mrkdwn escapes
// (https://api.slack.com/reference/surfaces/formatting#escaping).
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// codeSpan shows a command verbatim; a backtick inside would end an inline
// span early, so such a command goes in a code block instead.
func codeSpan(cmd string) string {
	if strings.Contains(cmd, "`") {
		return "```" + escape(cmd) + "```"
	}
	return "`" + escape(cmd) + "`"
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
