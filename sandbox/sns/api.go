package sns

import (
	"crypto/rand"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kirikae/kirikae/sandbox/core"
)

const (
	snsMessages = "sns-messages.jsonl"
	snsXMLNS    = "http://sns.amazonaws.com/doc/2010-03-31/"
)

// SNSMessage is a message published to a topic of the account, as the
// sandbox records it (it delivers to no subscriber).
type SNSMessage struct {
	MessageID string    `json:"messageId"`
	TopicArn  string    `json:"topicArn"`
	Subject   string    `json:"subject,omitempty"`
	Message   string    `json:"message"`
	Time      time.Time `json:"time"`
}

// ServeSNS answers SNS Publish (awsQuery). The topic must exist in the
// account; the message is recorded for SNSMessages.
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
func ServeSNS(a *core.Account, w http.ResponseWriter, r *http.Request) {
	if action := core.QueryAction(r); action != "Publish" {
		a.ServeQuery(w, r, snsXMLNS, map[string]core.QueryOp{"ListTopics": listTopics})
		return
	}
	msg := SNSMessage{TopicArn: r.Form.Get("TopicArn"), Subject: r.Form.Get("Subject"), Message: r.Form.Get("Message"),
		Time: time.Now().UTC()}
	if msg.TopicArn == "" {
		msg.TopicArn = r.Form.Get("TargetArn")
	}
	// Publish's limits: a message is required and at most 256 KiB; a
	// subject is at most 100 printable ASCII characters.
	switch {
	case msg.Message == "":
		core.WriteError(w, r, core.ProtoQuery, core.BadRequest("InvalidParameter", "Invalid parameter: Empty message"))
		return
	case len(msg.Message) > 256*1024:
		core.WriteError(w, r, core.ProtoQuery, core.BadRequest("InvalidParameter", "Invalid parameter: Message too long"))
		return
	case len(msg.Subject) > 100 || strings.ContainsAny(msg.Subject, "\n\r"):
		core.WriteError(w, r, core.ProtoQuery, core.BadRequest("InvalidParameter", "Invalid parameter: Subject"))
		return
	}
	if err := publish(a, &msg); err != nil {
		core.WriteError(w, r, core.ProtoQuery, core.AsAPIError(err))
		return
	}
	core.WriteXML(w, http.StatusOK, struct {
		XMLName xml.Name `xml:"PublishResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Result  struct {
			MessageID string `xml:"MessageId"`
		} `xml:"PublishResult"`
		Metadata core.ResponseMetadata `xml:"ResponseMetadata"`
	}{Xmlns: snsXMLNS, Result: struct {
		MessageID string `xml:"MessageId"`
	}{msg.MessageID}, Metadata: core.ResponseMetadata{RequestID: core.RequestID}})
}

// publish records msg under the account's exclusive lock (so appends
// never interleave), after checking its topic exists (NotFound, 404, as
// SNS answers for an unknown topic). The state itself is not rewritten.
func publish(a *core.Account, msg *SNSMessage) error {
	unlock, err := a.Lock(true)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := a.Load()
	if err != nil {
		return err
	}
	found := false
	for _, o := range core.NewIndex(st)[core.TokTopic] {
		found = found || core.StrOf(o, "arn") == msg.TopicArn
	}
	if !found {
		return core.NotFound("NotFound", "Topic does not exist")
	}
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	msg.MessageID = fmt.Sprintf("%x-%x-%x-%x-%x", id[0:4], id[4:6], id[6:8], id[8:10], id[10:])
	raw, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(a.Dir(), snsMessages), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("record SNS message: %w", err)
	}
	defer f.Close()
	if _, err := f.Write(append(raw, '\n')); err != nil {
		return fmt.Errorf("record SNS message: %w", err)
	}
	return nil
}

// SNSMessages lists the messages published to topicArn ("" = every
// topic), oldest first.
func SNSMessages(a *core.Account, topicArn string) ([]SNSMessage, error) {
	var out []SNSMessage
	err := a.View(func(*core.State) error {
		raw, err := os.ReadFile(filepath.Join(a.Dir(), snsMessages))
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read SNS messages: %w", err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
			var m SNSMessage
			if json.Unmarshal([]byte(line), &m) == nil && (topicArn == "" || m.TopicArn == topicArn) {
				out = append(out, m)
			}
		}
		return nil
	})
	return out, err
}

// listTopics: https://docs.aws.amazon.com/sns/latest/api/API_ListTopics.html
func listTopics(st *core.State, _ url.Values) (any, error) {
	type topic struct{ TopicArn string }
	var out struct{ Topics core.Members[topic] }
	for _, t := range core.NewIndex(st)[core.TokTopic] {
		out.Topics.Member = append(out.Topics.Member, topic{core.StrOf(t, "arn")})
	}
	return out, nil
}
