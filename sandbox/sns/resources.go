package sns

import (
	"fmt"
	"strings"

	"github.com/kirikae/kirikae/sandbox/core"
)

// Register adds the sns resource types to the provider's registry.
func Register() {
	core.Register(
		&core.TypeSpec{Token: "aws:sns/topic:Topic", Name: "name", NameMax: 256,
			Immutable: []string{"name", "namePrefix", "fifoTopic"}, Defaults: map[string]any{"fifoTopic": false},
			Create: func(e *core.Env) (string, error) {
				arn := e.Arn("sns", e.Region, e.Name())
				e.Put("arn", arn)
				e.Put("owner", e.Account)
				return arn, nil
			}},
		&core.TypeSpec{Token: "aws:sns/topicSubscription:TopicSubscription", Required: []string{"topic", "protocol", "endpoint"},
			Immutable: []string{"topic", "protocol", "endpoint"},
			Create: func(e *core.Env) (string, error) {
				topic := e.Str("topic")
				if _, r := e.St.Find("aws:sns/topic:Topic", topic, ""); r == nil {
					return "", fmt.Errorf("NotFound: topic %s does not exist", topic)
				}
				h := e.Entropy(32)
				arn := fmt.Sprintf("%s:%s-%s-%s-%s-%s", topic, h[:8], h[8:12], h[12:16], h[16:20], h[20:])
				e.Put("arn", arn)
				e.Put("ownerId", e.Account)
				e.Put("confirmationWasAuthenticated", false)
				e.Put("pendingConfirmation", strings.HasPrefix(e.Str("protocol"), "email"))
				return arn, nil
			}},
	)
}
