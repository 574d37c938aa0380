package sandbox

import (
	"crypto/rand"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

const (
	tokTopic    = "aws:sns/topic:Topic"
	snsMessages = "sns-messages.jsonl"
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

// serveSNS answers SNS Publish (awsQuery). The topic must exist in the
// account; the message is recorded for SNSMessages.
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
func (a *Account) serveSNS(w http.ResponseWriter, r *http.Request) {
	if action := queryAction(r); action != "Publish" {
		writeError(w, r, protoQuery, invalidAction(action))
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
		writeError(w, r, protoQuery, badRequest("InvalidParameter", "Invalid parameter: Empty message"))
		return
	case len(msg.Message) > 256*1024:
		writeError(w, r, protoQuery, badRequest("InvalidParameter", "Invalid parameter: Message too long"))
		return
	case len(msg.Subject) > 100 || strings.ContainsAny(msg.Subject, "\n\r"):
		writeError(w, r, protoQuery, badRequest("InvalidParameter", "Invalid parameter: Subject"))
		return
	}
	if err := a.publish(&msg); err != nil {
		writeError(w, r, protoQuery, asAPIError(err))
		return
	}
	writeXML(w, http.StatusOK, struct {
		XMLName xml.Name `xml:"PublishResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Result  struct {
			MessageID string `xml:"MessageId"`
		} `xml:"PublishResult"`
		Metadata responseMetadata `xml:"ResponseMetadata"`
	}{Xmlns: "http://sns.amazonaws.com/doc/2010-03-31/", Result: struct {
		MessageID string `xml:"MessageId"`
	}{msg.MessageID}, Metadata: responseMetadata{RequestID: requestID}})
}

// publish records msg under the account's exclusive lock (so appends
// never interleave), after checking its topic exists (NotFound, 404, as
// SNS answers for an unknown topic). The state itself is not rewritten.
func (a *Account) publish(msg *SNSMessage) error {
	unlock, err := a.lock(true)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := a.load()
	if err != nil {
		return err
	}
	found := false
	for _, o := range newIndex(st)[tokTopic] {
		found = found || strOf(o, "arn") == msg.TopicArn
	}
	if !found {
		return notFound("NotFound", "Topic does not exist")
	}
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	msg.MessageID = fmt.Sprintf("%x-%x-%x-%x-%x", id[0:4], id[4:6], id[6:8], id[8:10], id[10:])
	raw, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(a.dir, snsMessages), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
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
func (a *Account) SNSMessages(topicArn string) ([]SNSMessage, error) {
	var out []SNSMessage
	err := a.view(func(*state) error {
		raw, err := os.ReadFile(filepath.Join(a.dir, snsMessages))
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
